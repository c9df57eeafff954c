using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QtsOps.Core.Bundling;

namespace QtsOps.Tests.Core;

/// <summary>The SBOMs' pure parts: dpkg's status, an image's layers as one file system, the CycloneDX documents and their schema check.</summary>
[Category("Core")]
public class SbomTests
{
    private const string Status = """
        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Source: glibc
        Version: 2.36-9+deb12u14
        Description: GNU C Library: Shared libraries
         Contains the standard libraries that are used by nearly all programs.
         .
         A continuation line: Version: 0 is no field.

        Package: python3.11-minimal
        Status: install ok installed
        Architecture: amd64
        Source: python3.11 (3.11.2-6)
        Version: 3.11.2-6+deb12u8

        Package: zlib1g
        Status: install ok installed
        Architecture: amd64
        Version: 1:1.2.13.dfsg-1

        Package: removed-but-configured
        Status: deinstall ok config-files
        Architecture: all

        """;

    private static readonly BundleImage Image = new("registry.example:5000", "team/qts-observer", $"sha256:{new string('d', 64)}", "team-qts-observer-1.2.3.oci.tar");

    [Test]
    public void Dpkg_status_gives_the_installed_packages_with_their_source_and_skips_those_only_configured()
    {
        var packages = DpkgStatus.Parse(Status, "status");

        Assert.That(packages, Is.EqualTo(new[]
        {
            new DebianPackage("libc6", "2.36-9+deb12u14", "amd64", "glibc"),
            new DebianPackage("python3.11-minimal", "3.11.2-6+deb12u8", "amd64", "python3.11"),
            new DebianPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64", "zlib1g"),
        }));
        Assert.That(packages[2].UpstreamVersion, Is.EqualTo("1.2.13.dfsg"));
        Assert.That(packages[1].Purl, Is.EqualTo("pkg:deb/debian/python3.11-minimal@3.11.2-6%2Bdeb12u8?arch=amd64"));
    }

    [Test]
    public void Dpkg_status_ending_without_a_blank_line_gives_its_last_package_and_one_package_of_two_architectures_sorts_by_architecture()
    {
        const string text = "Package: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36-9\n\n"
            + "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\n"
            + "Package: busybox\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.35";

        var packages = DpkgStatus.Parse(text, "status");

        Assert.That(packages, Is.EqualTo(new[]
        {
            new DebianPackage("busybox", "1.35", "amd64", "busybox"), new DebianPackage("libc6", "2.36-9", "amd64", "libc6"), new DebianPackage("libc6", "2.36-9", "i386", "libc6"),
        }));
        Assert.That(packages.Select(p => p.UpstreamVersion), Is.EqualTo(new[] { "1.35", "2.36", "2.36" }), "a native package's version has no Debian revision to drop");
    }

    [TestCase("Package: a\nStatus: install ok installed\nArchitecture: amd64\n", "status:1: the stanza of a has no Version")]
    [TestCase("Package: a\nStatus: install ok installed\n", "status:1: the stanza of a has no Version or Architecture. Fix:")]
    [TestCase("Package: a\n: no field name\n", "status:2: ': no field name' is neither a 'Field: value' line")]
    [TestCase("Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\nno colon here\n", "status:6: 'no colon here' is neither a 'Field: value' line")]
    [TestCase("Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n\nStatus: install ok installed\nVersion: 2\n", "status:7: the stanza has no Package field")]
    public void A_damaged_status_is_refused_naming_its_line(string text, string message) =>
        Assert.That(Assert.Throws<BundleException>(() => DpkgStatus.Parse(text, "status"))!.Message, Does.StartWith(message).And.Contain("Fix:"));

    [Test]
    public void Layers_stack_as_the_engine_stacks_them_whiteouts_opaque_folders_hard_links_and_folders_that_merge()
    {
        using var directory = new TempDirectory();
        var lower = Layer(directory, "lower.tar", tar =>
        {
            File(tar, "etc/kept", "kept");
            File(tar, "etc/replaced", "old");
            File(tar, "etc/removed", "gone");
            File(tar, "opt/cache/a", "a");
            File(tar, "var/lib/dpkg/status", "old status");
        });
        var upper = Layer(directory, "upper.tar", tar =>
        {
            Folder(tar, "etc/");
            File(tar, "etc/replaced", "new");
            Entry(tar, TarEntryType.RegularFile, "etc/.wh.removed");
            Entry(tar, TarEntryType.RegularFile, "opt/cache/.wh..wh..opq");
            File(tar, "opt/cache/b", "b");
            File(tar, "var/lib/dpkg/status", "new status");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "etc/linked") { LinkName = "etc/kept" });
        });

        var image = ImageFileSystem.Read([lower, upper], path => path == "var/lib/dpkg/status");

        Assert.That(image.Files.Select(f => (f.Path, f.Sha256)), Is.EqualTo(new[]
        {
            ("etc/kept", Hex("kept")), ("etc/linked", Hex("kept")), ("etc/replaced", Hex("new")), ("opt/cache/b", Hex("b")), ("var/lib/dpkg/status", Hex("new status")),
        }));
        Assert.That(Encoding.UTF8.GetString(image.ContentOf("/var/lib/dpkg/status")!), Is.EqualTo("new status"));
        Assert.That(image.ContentOf("etc/kept"), Is.Null, "only what is asked for is kept");
    }

    [Test]
    public void A_symbolic_link_replaces_the_file_or_folder_of_a_lower_layer_at_its_path()
    {
        using var directory = new TempDirectory();
        var lower = Layer(directory, "lower.tar", tar =>
        {
            File(tar, "etc/config", "old");
            File(tar, "opt/app/a", "a");
            File(tar, "opt/other", "other");
        });
        var upper = Layer(directory, "upper.tar", tar =>
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "etc/config") { LinkName = "/run/config" });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "opt/app") { LinkName = "/srv/app" });
        });

        var image = ImageFileSystem.Read([lower, upper], _ => true);

        Assert.That(image.Files.Select(f => f.Path), Is.EqualTo(new[] { "opt/other" }), "a link is no file, and a folder replaced by a link takes its files with it");
        Assert.That(image.ContentOf("etc/config"), Is.Null);
    }

    [Test]
    public void Whiteouts_at_the_root_remove_what_they_name_there_and_not_a_file_whose_name_merely_starts_alike()
    {
        using var directory = new TempDirectory();
        var lower = Layer(directory, "lower.tar", tar =>
        {
            File(tar, "toplevel", "t");
            File(tar, "kept", "k");
            File(tar, "opt/app/a", "a");
            File(tar, "opt/apple", "apple");
        });
        var middle = Layer(directory, "middle.tar", tar =>
        {
            Entry(tar, TarEntryType.RegularFile, ".wh.toplevel");
            Entry(tar, TarEntryType.RegularFile, "opt/.wh.app");
        });
        var upper = Layer(directory, "upper.tar", tar =>
        {
            File(tar, "new", "n");
            Entry(tar, TarEntryType.RegularFile, ".wh..wh..opq");
        });

        Assert.That(ImageFileSystem.Read([lower, middle], _ => false).Files.Select(f => f.Path), Is.EqualTo(new[] { "kept", "opt/apple" }));
        Assert.That(ImageFileSystem.Read([lower, middle, upper], _ => false).Files.Select(f => f.Path), Is.EqualTo(new[] { "new" }),
            "an opaque root empties the lower layers, and keeps what its own layer wrote before it");
    }

    [Test]
    public void A_folder_replaces_a_lower_file_at_its_path()
    {
        using var directory = new TempDirectory();
        var lower = Layer(directory, "lower.tar", tar => File(tar, "opt/app", "a file"));
        var upper = Layer(directory, "upper.tar", tar =>
        {
            Folder(tar, "opt/app/");
            File(tar, "opt/app/x", "x");
        });

        Assert.That(ImageFileSystem.Read([lower, upper], _ => false).Files.Select(f => f.Path), Is.EqualTo(new[] { "opt/app/x" }));
    }

    [Test]
    public void A_hard_link_has_its_file_s_kept_content_until_replaced_and_outlives_its_own_layer_s_opaque_whiteout()
    {
        using var directory = new TempDirectory();
        var lower = Layer(directory, "lower.tar", tar =>
        {
            File(tar, "etc/kept", "kept");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "etc/linked") { LinkName = "etc/kept" });
        });
        var upper = Layer(directory, "upper.tar", tar =>
        {
            File(tar, "etc/linked", "replaced");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "opt/cache/linked") { LinkName = "etc/kept" });
            Entry(tar, TarEntryType.RegularFile, "opt/cache/.wh..wh..opq");
        });
        static bool Keep(string path) => path == "etc/kept";

        var linked = ImageFileSystem.Read([lower], Keep);
        var replaced = ImageFileSystem.Read([lower, upper], Keep);

        Assert.That(Encoding.UTF8.GetString(linked.ContentOf("etc/linked")!), Is.EqualTo("kept"));
        Assert.That(replaced.ContentOf("etc/linked"), Is.Null, "the file that replaced the link was not asked to be kept");
        Assert.That(replaced.Files.Select(f => (f.Path, f.Sha256)), Is.EqualTo(new[] { ("etc/kept", Hex("kept")), ("etc/linked", Hex("replaced")), ("opt/cache/linked", Hex("kept")) }));
    }

    [Test]
    public void A_hard_link_to_no_file_of_the_layers_is_refused_naming_the_layer()
    {
        using var directory = new TempDirectory();
        var layer = Layer(directory, "layer.tar", tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "etc/linked") { LinkName = "etc/nowhere" }));

        var error = Assert.Throws<BundleException>(() => ImageFileSystem.Read([layer], _ => false))!;

        Assert.That(error.Message, Does.StartWith($"{layer}: etc/linked is a hard link to etc/nowhere").And.Contain("Fix:"));
    }

    [Test]
    public void The_image_sbom_lists_the_debian_packages_the_standard_library_s_modules_and_the_service_s_files_with_hashes_and_is_valid_cyclonedx()
    {
        using var directory = new TempDirectory();
        var layer = Layer(directory, "layer.tar", tar =>
        {
            File(tar, "var/lib/dpkg/status", Status);
            File(tar, "usr/lib/python3.11/abc.py", "abc");
            File(tar, "usr/lib/python3.11/__pycache__/abc.cpython-311.pyc", "abc compiled");
            File(tar, "usr/lib/python3.11/encodings/utf_8.py", "utf-8");
            File(tar, "usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so", "ssl");
            File(tar, "usr/lib/python3/dist-packages/other.py", "not the standard library");
            File(tar, "app/src/qts_observer/service.py", "service");
            File(tar, "etc/passwd", "root");
        });
        var subject = new ImageSubject(Image, "1.2.3", "qts-observer", "app", DateTimeOffset.UnixEpoch);

        var json = Sbom.ToJson(ImageSbom.Build(subject, ImageFileSystem.Read([layer], ImageSbom.Needs)));

        Assert.That(Sbom.SchemaErrors(json), Is.Empty);
        var bom = JsonNode.Parse(json)!;
        Assert.That(bom["specVersion"]!.GetValue<string>(), Is.EqualTo("1.6"));
        Assert.That(bom["metadata"]!["component"]!["purl"]!.GetValue<string>(),
            Is.EqualTo($"pkg:oci/qts-observer@sha256%3A{new string('d', 64)}?repository_url=registry.example%3A5000%2Fteam%2Fqts-observer&tag=1.2.3"));
        var components = bom["components"]!.AsArray();
        Assert.That(components.Where(c => c!["purl"]?.GetValue<string>().StartsWith("pkg:deb/") == true).Select(c => c!["name"]!.GetValue<string>()),
            Is.EqualTo(new[] { "libc6", "python3.11-minimal", "zlib1g" }));
        var stdlib = components.Where(c => c!["group"]?.GetValue<string>() == "python3.11-stdlib").ToList();
        Assert.That(stdlib.Select(c => (c!["name"]!.GetValue<string>(), c["version"]!.GetValue<string>())),
            Is.EqualTo(new[] { ("_ssl", "3.11.2"), ("abc", "3.11.2"), ("encodings", "3.11.2") }));
        Assert.That(FilesOf(stdlib[1]!), Is.EqualTo(new[] { ("/usr/lib/python3.11/__pycache__/abc.cpython-311.pyc", Hex("abc compiled")), ("/usr/lib/python3.11/abc.py", Hex("abc")) }));
        var service = components.Single(c => c!["name"]!.GetValue<string>() == "qts-observer")!;
        Assert.That(FilesOf(service), Is.EqualTo(new[] { ("/app/src/qts_observer/service.py", Hex("service")) }));
        Assert.That(json, Does.Not.Contain("dist-packages").And.Not.Contain("/etc/passwd"));
    }

    [Test]
    public void The_image_sbom_versions_each_python_by_its_minimal_package_skips_site_and_dist_packages_and_keeps_to_the_service_folder()
    {
        using var directory = new TempDirectory();
        var layer = Layer(directory, "layer.tar", tar =>
        {
            File(tar, "var/lib/dpkg/status", "Package: libpython3.12-minimal\nStatus: install ok installed\nArchitecture: amd64\nSource: python3.12\nVersion: 3.12.1-2\n");
            File(tar, "usr/lib/python3.12/os.py", "os 3.12");
            File(tar, "usr/lib/python3.11/os.py", "os 3.11");
            File(tar, "usr/lib/python3.11/config-3.11-x86_64-linux-gnu/Makefile", "make");
            File(tar, "usr/lib/python3.11/site-packages/x.py", "x");
            File(tar, "usr/local/lib/python3.11/dist-packages/y.py", "y");
            File(tar, "app/service.py", "service");
            File(tar, "apps/other.py", "other");
        });
        var subject = new ImageSubject(Image, "1.2.3", "qts-observer", "/app/", DateTimeOffset.UnixEpoch);

        var json = Sbom.ToJson(ImageSbom.Build(subject, ImageFileSystem.Read([layer], ImageSbom.Needs)));

        Assert.That(Sbom.SchemaErrors(json), Is.Empty);
        var bom = JsonNode.Parse(json)!;
        Assert.That(bom["serialNumber"]!.GetValue<string>(), Is.EqualTo("urn:uuid:c3918129-69aa-5bcf-b099-a42a5816a118"), "derived from the image, so the same image gives the same document");
        var components = bom["components"]!.AsArray();
        Assert.That(components[0]!["properties"]!.ToJsonString(), Is.EqualTo("[{\"name\":\"qtsops:deb:source\",\"value\":\"python3.12\"}]"));
        Assert.That(components.Where(c => c!["group"] is not null).Select(c => (c!["group"]!.GetValue<string>(), c["name"]!.GetValue<string>(), c["version"]!.GetValue<string>())), Is.EqualTo(new[]
        {
            ("python3.11-stdlib", "config-3.11-x86_64-linux-gnu", "3.11"), ("python3.11-stdlib", "os", "3.11"), ("python3.12-stdlib", "os", "3.12.1"),
        }));
        var service = components.Single(c => c!["name"]!.GetValue<string>() == "qts-observer")!;
        Assert.That(service["description"]!.GetValue<string>(), Is.EqualTo("the service's own files, under /app"));
        Assert.That(FilesOf(service), Is.EqualTo(new[] { ("/app/service.py", Hex("service")) }));
    }

    [Test]
    public void A_damaged_dpkg_status_in_the_image_is_refused_naming_the_image_file_and_line()
    {
        using var directory = new TempDirectory();
        var layer = Layer(directory, "layer.tar", tar => File(tar, "var/lib/dpkg/status", "Package: a\nno colon\n"));

        var error = Assert.Throws<BundleException>(() => ImageSbom.Build(new ImageSubject(Image, "1.2.3", "qts-observer", "app", DateTimeOffset.UnixEpoch), ImageFileSystem.Read([layer], ImageSbom.Needs)))!;

        Assert.That(error.Message, Does.StartWith($"{Image.Reference}:/var/lib/dpkg/status:2: 'no colon' is neither"));
    }

    [Test]
    public void An_image_without_a_dpkg_status_is_refused_naming_the_image()
    {
        using var directory = new TempDirectory();
        var layer = Layer(directory, "layer.tar", tar => File(tar, "app/x.py", "x"));

        var error = Assert.Throws<BundleException>(() => ImageSbom.Build(new ImageSubject(Image, "1.2.3", "qts-observer", "app", DateTimeOffset.UnixEpoch), ImageFileSystem.Read([layer], ImageSbom.Needs)))!;

        Assert.That(error.Message, Does.StartWith($"The image {Image.Reference} has no /var/lib/dpkg/status").And.Contain("Fix:"));
    }

    [Test]
    public void The_pipeline_sbom_lists_restored_and_downloaded_nuget_packages_with_their_sha512_and_dependencies()
    {
        var sha512 = SHA512.HashData("package"u8.ToArray());
        var assets = new JsonObject
        {
            ["targets"] = new JsonObject
            {
                ["net10.0"] = new JsonObject
                {
                    ["LibGit2Sharp/0.32.0"] = new JsonObject { ["type"] = "package", ["dependencies"] = new JsonObject { ["LibGit2Sharp.NativeBinaries"] = "[2.0.324]" } },
                    ["LibGit2Sharp.NativeBinaries/2.0.324"] = new JsonObject { ["type"] = "package" },
                    ["QtsOps.Tools/1.0.0"] = new JsonObject { ["type"] = "project", ["dependencies"] = new JsonObject { ["LibGit2Sharp"] = "0.32.0" } },
                },
            },
            ["libraries"] = new JsonObject
            {
                ["LibGit2Sharp/0.32.0"] = new JsonObject { ["type"] = "package", ["sha512"] = Convert.ToBase64String(sha512) },
                ["LibGit2Sharp.NativeBinaries/2.0.324"] = new JsonObject { ["type"] = "package", ["sha512"] = Convert.ToBase64String(sha512) },
                ["QtsOps.Tools/1.0.0"] = new JsonObject { ["type"] = "project" },
            },
            ["project"] = new JsonObject { ["frameworks"] = new JsonObject { ["net10.0"] = new JsonObject { ["downloadDependencies"] = new JsonArray(new JsonObject { ["name"] = "CycloneDX", ["version"] = "[6.3.1, 6.3.1]" }) } } },
        }.ToJsonString();
        // Two projects restoring the same package list it once.
        var packages = PipelineSbom.Packages(assets, "a/project.assets.json").Concat(PipelineSbom.Packages(assets, "b/project.assets.json"));

        var json = Sbom.ToJson(PipelineSbom.Build("qtsops-pipeline", "1.2.3", new string('c', 40), DateTimeOffset.UnixEpoch, packages));

        Assert.That(Sbom.SchemaErrors(json), Is.Empty);
        var bom = JsonNode.Parse(json)!;
        Assert.That(bom["components"]!.AsArray().Select(c => (c!["purl"]!.GetValue<string>(), c["hashes"]?[0]?["content"]?.GetValue<string>())), Is.EqualTo(new (string, string?)[]
        {
            ("pkg:nuget/CycloneDX@6.3.1", null), ("pkg:nuget/LibGit2Sharp@0.32.0", Convert.ToHexStringLower(sha512)), ("pkg:nuget/LibGit2Sharp.NativeBinaries@2.0.324", Convert.ToHexStringLower(sha512)),
        }));
        var dependencies = bom["dependencies"]!.AsArray().ToDictionary(d => d!["ref"]!.GetValue<string>(), d => (d!["dependsOn"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToList());
        Assert.That(dependencies["pkg:nuget/LibGit2Sharp@0.32.0"], Is.EqualTo(new[] { "pkg:nuget/LibGit2Sharp.NativeBinaries@2.0.324" }));
        Assert.That(dependencies["pipeline:qtsops-pipeline"], Is.EqualTo(new[] { "pkg:nuget/CycloneDX@6.3.1", "pkg:nuget/LibGit2Sharp@0.32.0" }));
        Assert.That(json, Is.EqualTo(Sbom.ToJson(PipelineSbom.Build("qtsops-pipeline", "1.2.3", new string('c', 40), DateTimeOffset.UnixEpoch, packages))), "the same build writes the same bytes");
    }

    [Test]
    public void The_pipeline_sbom_sorts_dependencies_and_versions_and_takes_a_package_without_sha512_or_an_assets_file_without_downloads()
    {
        var assets = new JsonObject
        {
            ["targets"] = new JsonObject { ["net10.0"] = new JsonObject { ["B/1.0.0"] = new JsonObject { ["dependencies"] = new JsonObject { ["Zeta"] = "1.0.0", ["Alpha"] = "1.0.0" } } } },
            ["libraries"] = new JsonObject
            {
                ["B/1.0.0"] = new JsonObject { ["type"] = "package" },
                ["A/2.0.0"] = new JsonObject { ["type"] = "package" },
                ["A/1.0.0"] = new JsonObject { ["type"] = "package" },
            },
        }.ToJsonString();

        var packages = PipelineSbom.Packages(assets, "project.assets.json");
        var json = Sbom.ToJson(PipelineSbom.Build("qtsops-pipeline", "1.2.3", new string('c', 40), DateTimeOffset.UnixEpoch, packages));

        Assert.That(packages.Single(p => p.Name == "B").Dependencies, Is.EqualTo(new[] { "Alpha", "Zeta" }));
        Assert.That(packages.Select(p => p.Sha512), Is.All.Null);
        var bom = JsonNode.Parse(json)!;
        Assert.That(bom["components"]!.AsArray().Select(c => c!["purl"]!.GetValue<string>()), Is.EqualTo(new[] { "pkg:nuget/A@1.0.0", "pkg:nuget/A@2.0.0", "pkg:nuget/B@1.0.0" }));
        Assert.That(bom["serialNumber"]!.GetValue<string>(), Is.EqualTo("urn:uuid:e1a0fc55-b74c-549a-b098-3b794add3dba"),
            "a version-5-style UUID of the pipeline's name and commit: the same build writes the same document");
        Assert.That(bom["metadata"]!["tools"]!.ToJsonString(), Is.EqualTo("{\"components\":[{\"type\":\"application\",\"name\":\"qtsops\",\"description\":\"QtsOps bundle\"}]}"));
        Assert.That(json, Does.EndWith("}\n"));
    }

    [Test]
    public void An_assets_file_that_is_not_json_is_refused_at_its_line() =>
        Assert.That(Assert.Throws<BundleException>(() => PipelineSbom.Packages("{\n  \"targets\": {}\n  \"libraries\": {}\n}", "/p/obj/project.assets.json"))!.Message,
            Does.StartWith("/p/obj/project.assets.json:3: not valid JSON (").And.EndWith("). Fix: restore the pipeline again (dotnet restore build/QtsOps.Build)."));

    [Test]
    public void An_assets_file_that_is_none_is_refused_naming_it() =>
        Assert.That(Assert.Throws<BundleException>(() => PipelineSbom.Packages("{}", "/p/obj/project.assets.json"))!.Message,
            Does.StartWith("/p/obj/project.assets.json: has no targets or libraries").And.Contain("Fix:"));

    [Test]
    public void The_schema_check_finds_what_cyclonedx_does_not_allow()
    {
        var bom = JsonNode.Parse(Sbom.ToJson(PipelineSbom.Build("qtsops-pipeline", "1.2.3", "c", DateTimeOffset.UnixEpoch, [new NuGetPackage("A", "1.0.0", null, [])])))!;
        bom["components"]![0]!["type"] = "not-a-type";

        Assert.That(Sbom.SchemaErrors(bom.ToJsonString()), Has.Some.Contains("/components/0/type"));
    }

    [Test]
    public void The_schema_check_leaves_out_the_blank_lines_of_an_empty_value_it_quotes()
    {
        var bom = JsonNode.Parse(Sbom.ToJson(PipelineSbom.Build("qtsops-pipeline", "1.2.3", "c", DateTimeOffset.UnixEpoch, [new NuGetPackage("A", "1.0.0", null, [])])))!;
        bom["components"]![0]!["type"] = "";

        var errors = Sbom.SchemaErrors(bom.ToJsonString());

        Assert.That(errors, Has.Some.Contains("/components/0/type").And.None.Matches<string>(m => m.Trim().Length == 0), string.Join("\n", errors));
    }

    private static IEnumerable<(string, string)> FilesOf(JsonNode component) =>
        component["components"]!.AsArray().Select(f => (f!["name"]!.GetValue<string>(), f["hashes"]![0]!["content"]!.GetValue<string>()));

    private static string Hex(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static string Layer(TempDirectory directory, string name, Action<TarWriter> write)
    {
        var path = directory.Combine(name);
        using var output = System.IO.File.Create(path);
        using var tar = new TarWriter(output);
        write(tar);
        return path;
    }

    private static void File(TarWriter tar, string name, string content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    private static void Folder(TarWriter tar, string name) => Entry(tar, TarEntryType.Directory, name);

    private static void Entry(TarWriter tar, TarEntryType type, string name) => tar.WriteEntry(new PaxTarEntry(type, name));
}
