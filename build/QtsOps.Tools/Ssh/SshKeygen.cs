namespace QtsOps.Tools.Ssh;

/// <summary>One ssh-keygen call: its argv and the file (if any) it reads on standard input.</summary>
public sealed record SshKeygenCommand(IReadOnlyList<string> Arguments, string? Input = null)
{
    /// <summary>The namespace of every release signature: a signature made for git or another tool never passes for a release.</summary>
    public const string Namespace = "qtsops-release";

    /// <summary><c>ssh-keygen -Y sign -f KEY -n qtsops-release FILE</c>: writes FILE.sig beside FILE.</summary>
    public static SshKeygenCommand Sign(string keyFile, string file) => new(["-Y", "sign", "-f", keyFile, "-n", Namespace, file]);

    /// <summary><c>ssh-keygen -Y find-principals -s SIG -f ALLOWED</c>: the principals of allowed_signers whose key made the signature.</summary>
    public static SshKeygenCommand FindPrincipals(string allowedSigners, string signature) => new(["-Y", "find-principals", "-s", signature, "-f", allowedSigners]);

    /// <summary><c>ssh-keygen -Y verify -f ALLOWED -I PRINCIPAL -n qtsops-release -s SIG &lt; FILE</c>.</summary>
    public static SshKeygenCommand Verify(string allowedSigners, string principal, string signature, string file) =>
        new(["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", Namespace, "-s", signature], file);

    /// <summary><c>ssh-keygen -l -f KEY</c>: the key's fingerprint line (for the DSSE key id).</summary>
    public static SshKeygenCommand Fingerprint(string keyFile) => new(["-l", "-f", keyFile]);
}

/// <summary>Runs ssh-keygen (from PATH); the one place that does.</summary>
public static class SshKeygenRunner
{
    public const string Program = "ssh-keygen";

    public static ProgramResult Run(SshKeygenCommand command) => ProgramRunner.Run(Program, command.Arguments,
        $"{Program} is not on PATH: release signatures need OpenSSH 8.1 or later (apt-get install openssh-client).", command.Input);
}
