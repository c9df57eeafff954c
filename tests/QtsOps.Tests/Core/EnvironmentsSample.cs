using QtsOps.Core.Environments;

namespace QtsOps.Tests.Core;

/// <summary>An environments.json fixture of this repository, read whole or with one of its texts replaced, and the catalog's answer to it.</summary>
public sealed class EnvironmentsSample(string fixtureFile)
{
    public string Text => File.ReadAllText(SourceRepository.Combine(fixtureFile));

    /// <summary>The fixture with one of its texts replaced (each is written once in it).</summary>
    public string With(string text, string replacement)
    {
        var fixture = Text;
        Assert.That(fixture.Split(text).Length, Is.EqualTo(2), $"the fixture has {text} once");
        return fixture.Replace(text, replacement);
    }

    public static IReadOnlyDictionary<string, DeploymentEnvironment> Parse(string json) => EnvironmentCatalog.Parse(json, "environments.json");

    public static SettingsFileException Refusal(string json) => Assert.Throws<SettingsFileException>(() => Parse(json))!;

    /// <summary>The 1-based line of the first line of <paramref name="json"/> holding <paramref name="text"/>.</summary>
    public static int LineOf(string json, string text)
    {
        var line = json.Split('\n').ToList().FindIndex(l => l.Contains(text)) + 1;
        Assert.That(line, Is.GreaterThan(0), $"the file has {text}");
        return line;
    }
}
