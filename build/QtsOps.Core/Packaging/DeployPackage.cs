using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using QtsOps.Core.Reports;
using QtsOps.Core.Secrets;

namespace QtsOps.Core.Packaging;

/// <summary>A package that must not be built; the message names every reason (file and line), as do the findings.</summary>
public sealed class PackagingException(string message, IReadOnlyList<Finding>? findings = null) : Exception(message)
{
    public IReadOnlyList<Finding> Findings { get; } = findings ?? [];
}

/// <param name="SourceDirectory">The service to package (src/observer/).</param>
/// <param name="SourceName">How messages name the source directory, e.g. "src/observer".</param>
/// <param name="OutputDirectory">Where the directory, the archive and its checksum go (artifacts/package/).</param>
/// <param name="Version">What deployment_config.json records (SemVer).</param>
/// <param name="FileVersion">The version in the archive's name (no '+').</param>
/// <param name="CommitTime">The time of the commit: deployment_config.json's "created" and every archive mtime.</param>
/// <param name="IsIgnored">Whether git ignores a path relative to the source directory: such files are not part of the commit, so they do not ship.</param>
public sealed record PackageRequest(string SourceDirectory, string SourceName, string OutputDirectory, string Version, string FileVersion, DateTimeOffset CommitTime,
    Func<string, bool>? IsIgnored = null);

public sealed record PackagedFile(string Path, long Size, string Sha256, bool Executable);

public sealed record PackageResult(string Version, string Directory, string Archive, string ChecksumFile, long Size, string Sha256, IReadOnlyList<PackagedFile> Files)
{
    public void WriteReport(string reportsDirectory, string commit, string repositoryRoot)
    {
        string Relative(string path) => System.IO.Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/');
        var markdown = new StringBuilder($"# package\n\n`{Relative(Archive)}`: version {Version}, commit {commit}, {Size} bytes, sha256 `{Sha256}`.\n\n")
            .Append("| file | size | sha256 | mode |\n|---|---:|---|---|\n");
        foreach (var file in Files) markdown.Append($"| `{file.Path}` | {file.Size} | `{file.Sha256}` | {(file.Executable ? "0755" : "0644")} |\n");
        ReportWriter.Write(reportsDirectory, "package", "succeeded", new
        {
            Version,
            Commit = commit,
            Archive = new { Path = Relative(Archive), Size, Sha256, Checksum = Relative(ChecksumFile) },
            Directory = Relative(Directory),
            Files = Files.Select(f => new { f.Path, f.Size, f.Sha256, Mode = f.Executable ? "0755" : "0644" }),
        }, markdown.ToString(), []);
    }
}

/// <summary>
/// Builds the deploy package qts_ops_deploy from the service's directory: the shipped files, a
/// generated deployment_config.json and MANIFEST.txt, as a directory and as a reproducible
/// .tar.gz with its .sha256. Nothing is written when a secret is found or anything fails.
/// </summary>
public static class DeployPackage
{
    public const string Name = "qts_ops_deploy";
    public const string DeploymentConfig = "deployment_config.json";
    public const string Manifest = "MANIFEST.txt";

    private const string SecretFix = "Remove them (secrets come from the environment at deploy time), then package again";

    /// <summary>Runtime output and development files that never ship (as .dockerignore keeps them out of the image).</summary>
    private static readonly string[] ExcludedDirectories = ["__pycache__", ".pytest_cache", ".mypy_cache", ".git", ".venv"];
    private static readonly string[] ExcludedTopDirectories = ["data", "logs", "tests"];
    private static readonly string[] ExcludedExtensions = [".pyc", ".pyo", ".log", ".tar", ".tgz", ".gz"];
    private static readonly string[] GeneratedFiles = [DeploymentConfig, Manifest];

    /// <summary>
    /// The files of <paramref name="sourceDirectory"/> that ship, relative with forward slashes and
    /// sorted; hidden files included, git-ignored ones not. Symbolic links are refused: they could pull in anything.
    /// </summary>
    public static IReadOnlyList<string> SelectFiles(string sourceDirectory, Func<string, bool>? isIgnored = null)
    {
        var (files, links) = Walk(sourceDirectory, isIgnored);
        if (links.Count > 0)
            throw new PackagingException($"Symbolic links are not packaged (they could pull in files from anywhere): {string.Join(", ", links)}. Replace them with the files.");
        return files;
    }

    /// <summary>
    /// A short hash (8 hex digits) of what a package of <paramref name="sourceDirectory"/> is made of:
    /// the shipped files and the deployment_config.json template, by path and content. It names a build
    /// with uncommitted changes; changes outside the package do not alter it. Never fails on what
    /// packaging would refuse (links are hashed by target): package says what is wrong.
    /// </summary>
    /// <param name="isIgnored">As for <see cref="SelectFiles"/>: git-ignored files do not ship, so they do not count.</param>
    public static string InputsHash(string sourceDirectory, Func<string, bool>? isIgnored = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));
        if (Directory.Exists(sourceDirectory))
        {
            var (files, links) = Walk(sourceDirectory, isIgnored);
            var template = File.Exists(Path.Combine(sourceDirectory, DeploymentConfig)) ? [DeploymentConfig] : Array.Empty<string>();
            foreach (var file in files.Concat(template).Order(StringComparer.Ordinal))
            {
                Add($"file {file}");
                hash.AppendData(File.ReadAllBytes(Path.Combine(sourceDirectory, file)));
            }
            foreach (var link in links) Add($"link {link} -> {new FileInfo(Path.Combine(sourceDirectory, link)).LinkTarget}");
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..8];
    }

    /// <summary>The shipped files and the symbolic links among them, each sorted.</summary>
    private static (List<string> Files, List<string> Links) Walk(string sourceDirectory, Func<string, bool>? isIgnored)
    {
        var files = new List<string>();
        var links = new List<string>();
        Collect(new DirectoryInfo(sourceDirectory), "");
        files.Sort(StringComparer.Ordinal);
        links.Sort(StringComparer.Ordinal);
        return (files, links);

        void Collect(DirectoryInfo directory, string prefix)
        {
            foreach (var entry in directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
            {
                var relative = prefix + entry.Name;
                if (entry.LinkTarget is not null) links.Add(relative);
                else if (entry is DirectoryInfo subdirectory)
                {
                    if (!ExcludedDirectories.Contains(entry.Name) && !(prefix == "" && ExcludedTopDirectories.Contains(entry.Name)))
                        Collect(subdirectory, relative + "/");
                }
                else if (!ExcludedExtensions.Contains(entry.Extension) && entry.Name != ".DS_Store" && !(prefix == "" && GeneratedFiles.Contains(entry.Name))
                         && isIgnored?.Invoke(relative) != true)
                    files.Add(relative);
            }
        }
    }

    /// <summary>The secrets among the files that ship (<see cref="SelectFiles"/>) and the template: what package refuses on, and validate reports first.</summary>
    /// <param name="sourceName">How the directory is shown in the hits, e.g. "src/observer".</param>
    public static IReadOnlyList<SecretHit> Secrets(string sourceDirectory, IEnumerable<string> shipped, string sourceName) =>
        SecretScanner.Scan(sourceDirectory, shipped.Append(DeploymentConfig), sourceName + "/");

    public static Finding SecretFinding(SecretHit secret) => Finding.Error($"package-secret/{secret.Rule}", secret.File, secret.Reason, SecretFix, secret.Line);

    public static PackageResult Build(PackageRequest request)
    {
        var source = request.SourceDirectory;
        if (!File.Exists(Path.Combine(source, DeploymentConfig)))
            throw new PackagingException($"{Path.Combine(source, DeploymentConfig)} is missing: it is the template of the package's deployment_config.json. Restore it from git.");
        var selected = SelectFiles(source, request.IsIgnored);

        // Before anything is written: a secret must not reach the directory or the archive.
        var secrets = Secrets(source, selected, request.SourceName);
        if (secrets.Count > 0)
            throw new PackagingException($"package refused: {secrets.Count} secret(s) in {request.SourceName}/; nothing was written.\n  "
                + string.Join("\n  ", secrets) + $"\n{SecretFix}.",
                secrets.Select(SecretFinding).ToList());

        var files = selected.Select(f => Read(source, f)).ToList();
        files.Add(new ArchiveFile(DeploymentConfig, GenerateDeploymentConfig(File.ReadAllText(Path.Combine(source, DeploymentConfig)), request), false));
        files.Add(new ArchiveFile(Manifest, Encoding.UTF8.GetBytes(ManifestText(request.Version, files.Select(Describe))), false));
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var archive = ReproducibleTarGz.Create(files.Select(f => f with { Path = $"{Name}/{f.Path}" }), request.CommitTime);
        var (directory, archivePath, checksumPath) = Write(request, files, archive);
        return new PackageResult(request.Version, directory, archivePath, checksumPath, archive.Length, Sha256(archive), files.Select(Describe).ToList());
    }

    /// <summary>The template with this build's version and the commit's time (RFC 3339, UTC).</summary>
    public static byte[] GenerateDeploymentConfig(string template, PackageRequest request)
    {
        JsonObject config;
        try
        {
            config = JsonNode.Parse(template) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException error)
        {
            throw new PackagingException($"{DeploymentConfig} (the template) is not valid JSON: {error.Message}");
        }
        if (config["deployment"] is not JsonObject deployment)
            throw new PackagingException($"{DeploymentConfig} (the template) has no \"deployment\" object to put the version in.");
        deployment["version"] = request.Version;
        deployment["created"] = request.CommitTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        // Relaxed escaping: operators read this file, and SemVer's '+' must not become \u002B.
        var options = new JsonSerializerOptions { WriteIndented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return Encoding.UTF8.GetBytes(config.ToJsonString(options) + "\n");
    }

    /// <summary>Every other file of the package with its size and SHA-256, sorted by path.</summary>
    public static string ManifestText(string version, IEnumerable<PackagedFile> files)
    {
        var text = new StringBuilder($"# {Name} {version}: every file with its size in bytes and SHA-256 (tab-separated)\n# path\tsize\tsha256\n");
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal)) text.Append($"{file.Path}\t{file.Size}\t{file.Sha256}\n");
        return text.ToString();
    }

    /// <summary>
    /// Writes everything into a scratch folder first and moves it into place at the end, so that
    /// a failure half-way leaves no half-assembled package behind.
    /// </summary>
    private static (string Directory, string Archive, string ChecksumFile) Write(PackageRequest request, IReadOnlyList<ArchiveFile> files, byte[] archive)
    {
        var output = request.OutputDirectory;
        Directory.CreateDirectory(output);
        var scratch = Path.Combine(output, $".{Name}.partial-{Guid.NewGuid():N}");
        var archiveName = $"{Name}-{request.FileVersion}.tar.gz";
        try
        {
            foreach (var file in files)
            {
                var path = Path.Combine(scratch, Name, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, file.Content);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, file.Executable ? ReproducibleTarGz.ExecutableMode : ReproducibleTarGz.FileMode);
            }
            File.WriteAllBytes(Path.Combine(scratch, archiveName), archive);
            File.WriteAllText(Path.Combine(scratch, archiveName + ".sha256"), $"{Sha256(archive)}  {archiveName}\n"); // sha256sum -c reads this

            var directory = Path.Combine(output, Name);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.Move(Path.Combine(scratch, Name), directory);
            File.Move(Path.Combine(scratch, archiveName), Path.Combine(output, archiveName), overwrite: true);
            File.Move(Path.Combine(scratch, archiveName + ".sha256"), Path.Combine(output, archiveName + ".sha256"), overwrite: true);
            return (directory, Path.Combine(output, archiveName), Path.Combine(output, archiveName + ".sha256"));
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>A file as it ships: executable when it is a script (#!), so modes do not depend on the checkout.</summary>
    private static ArchiveFile Read(string source, string relativePath)
    {
        var content = File.ReadAllBytes(Path.Combine(source, relativePath));
        return new ArchiveFile(relativePath, content, content is [(byte)'#', (byte)'!', ..]);
    }

    private static PackagedFile Describe(ArchiveFile file) => new(file.Path, file.Content.Length, Sha256(file.Content), file.Executable);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
