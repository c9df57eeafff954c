using QtsOps.Core.Validation.Observer;
using QtsOps.Core.Validation.Sources;
using YamlDotNet.Core;

namespace QtsOps.Core.Swarm;

/// <summary>The images a stack file pins (repository@sha256:…): what a deploy of it waits for the tasks to run.</summary>
public sealed record StackImages(string Observer, string Edge)
{
    public static StackImages Of(StackRelease release) => new(release.ObserverImage, release.EdgeImage);

    /// <summary>The observer's digest (sha256:…), as the history records it.</summary>
    public string ObserverDigest => Observer[(Observer.IndexOf('@') + 1)..];

    /// <summary>
    /// The images of a stack file kept in a release's directory (<see cref="SwarmStack.FileName"/>), which a rollback
    /// deploys again; a file that is not one QtsOps wrote is refused naming it.
    /// </summary>
    public static StackImages Read(string stackText, string file)
    {
        YamlDotNet.RepresentationModel.YamlMappingNode stack;
        try
        {
            stack = ObserverFiles.LoadYaml(stackText);
        }
        catch (Exception exception) when (exception is YamlException or InvalidDataException)
        {
            throw new StackFileException(file, 1, $"cannot be read: {exception.Message}", "deploy that release again to write its stack file anew");
        }
        var services = stack.Child("services");
        string Image(string service) => services.Child(service).Child("image").Scalar() is { } image && image.Contains("@sha256:", StringComparison.Ordinal) ? image
            : throw new StackFileException(file, services?.Start.Line is { } line ? (int)line : 1, $"service '{service}' has no image pinned by digest",
                "deploy that release again to write its stack file anew (it must be the one QtsOps wrote)");
        return new StackImages(Image(SwarmStack.ObserverService), Image(SwarmStack.EdgeService));
    }
}
