using System.Runtime.Versioning;
using QtsOps.Tools;
using QtsOps.Tools.Ssh;

namespace QtsOps.Build.Releasing;

/// <summary>
/// The release manager's SSH key for one run: QTSOPS_SIGNING_KEY (the key's text, written 0600 into a
/// 0700 temporary directory that <see cref="Dispose"/> deletes) or QTSOPS_SIGNING_KEY_FILE.
/// Only ssh-keygen gets the key, as a path.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly string _file;
    private readonly string _work;

    private SigningKey(string file, string work) => (_file, _work) = (file, work);

    /// <summary>The key given, or null when neither variable is set (the bundle is then unsigned).</summary>
    [UnsupportedOSPlatform("windows")]
    public static SigningKey? From(string? keyText, string? keyFile)
    {
        if (keyText is not null && keyFile is not null)
            throw new PipelineException($"Both {PipelineOptions.SigningKey.Variable} and {PipelineOptions.SigningKeyFile.Variable} are set: give the signing key one way only.");
        if (keyText is null && keyFile is null) return null;
        if (keyFile is not null && !File.Exists(keyFile))
            throw new PipelineException($"The signing key file '{keyFile}' ({PipelineOptions.SigningKeyFile.Variable}) does not exist. Fix: give the path of the private key (ssh-keygen -t ed25519 -f FILE makes one), or unset it for an unsigned bundle.");
        var work = Directory.CreateTempSubdirectory("qtsops-signing-").FullName;
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (keyText is null) return new SigningKey(keyFile!, work);
        var file = Deployment.SshTransport.WritePrivate(work, "key", keyText);
        return new SigningKey(file, work);
    }

    /// <summary>The private key's file, for the one program that signs with it (ssh-keygen, or git through it).</summary>
    public string KeyFile => _file;

    /// <summary>The key's SHA256 fingerprint (the DSSE key id).</summary>
    public string Fingerprint => Run(SshKeygenCommand.Fingerprint(_file), "reading the signing key").Output.Split(' ') is [_, var fingerprint, ..] ? fingerprint : "";

    /// <summary>Signs <paramref name="file"/>, writing FILE.sig beside it.</summary>
    public string Sign(string file)
    {
        var signature = file + ".sig";
        File.Delete(signature);
        Run(SshKeygenCommand.Sign(_file, file), $"signing {Path.GetFileName(file)}");
        return signature;
    }

    /// <summary>The armored SSH signature of <paramref name="content"/> (signed as a file in this run's directory, then deleted).</summary>
    public string SignBytes(byte[] content)
    {
        var file = Path.Combine(_work, "payload");
        File.WriteAllBytes(file, content);
        try
        {
            return File.ReadAllText(Sign(file));
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".sig");
        }
    }

    private static ProgramResult Run(SshKeygenCommand command, string what)
    {
        var result = SshKeygenRunner.Run(command);
        if (!result.Succeeded)
            throw new PipelineException($"ssh-keygen failed {what}: {result.Error}. Fix: give an unencrypted OpenSSH private key ({PipelineOptions.SigningKey.Variable} or {PipelineOptions.SigningKeyFile.Variable}); ssh-keygen -t ed25519 -N '' -f FILE makes one.");
        return result;
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
