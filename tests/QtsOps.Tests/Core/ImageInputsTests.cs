using QtsOps.Core.Images;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class ImageInputsTests
{
    private static readonly Dictionary<string, string> Arguments = new() { ["VERSION"] = "1.0.0" };

    [Test]
    public void The_same_files_base_and_arguments_give_the_same_hash_and_any_change_a_new_one()
    {
        using var package = new TempDirectory();
        package.Write("Dockerfile", "FROM x");
        package.Write("src/app.py", "print(1)");
        var hash = ImageInputs.Hash(package.Path, "sha256:base", Arguments);

        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", new Dictionary<string, string>(Arguments)), Is.EqualTo(hash));
        Assert.That(ImageInputs.Hash(package.Path, "sha256:other", Arguments), Is.Not.EqualTo(hash));
        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", new Dictionary<string, string> { ["VERSION"] = "1.0.1" }), Is.Not.EqualTo(hash));
        package.Write("src/app.py", "print(2)");
        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", Arguments), Is.Not.EqualTo(hash));
    }

    [Test]
    public void Packaging_metadata_and_python_caches_do_not_count()
    {
        using var package = new TempDirectory();
        package.Write("Dockerfile", "FROM x");
        var hash = ImageInputs.Hash(package.Path, "sha256:base", Arguments);

        package.Write("deployment_config.json", "{\"created\": \"now\"}");
        package.Write("MANIFEST.txt", "Dockerfile 6 abc");
        package.Write("src/__pycache__/app.cpython-311.pyc", "x");

        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", Arguments), Is.EqualTo(hash));
    }
    // The label of every image built so far holds this hash: a new encoding would rebuild them all once.
    // The value is SHA-256 of "base=ID\0", "arg NAME=VALUE\0" by name, then "file PATH\0" and the bytes, by path.
    [Test]
    public void The_hash_is_stable_across_argument_and_file_order()
    {
        using var package = new TempDirectory();
        package.Write("src/app.py", "print(1)");
        package.Write("Dockerfile", "FROM x");

        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", new Dictionary<string, string> { ["B"] = "two", ["A"] = "1" }),
            Is.EqualTo("5936a8b94de5739d97f75e3d27683538a49b15c2481b8b3a5893e3786aeeb9ae"));
    }

    [Test]
    public void A_renamed_file_or_an_argument_that_imitates_two_changes_the_hash()
    {
        using var package = new TempDirectory();
        package.Write("Dockerfile", "FROM x");
        package.Write("src/app.py", "print(1)");
        var hash = ImageInputs.Hash(package.Path, "sha256:base", Arguments);

        File.Move(package.Combine("src", "app.py"), package.Combine("src", "main.py"));
        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", Arguments), Is.Not.EqualTo(hash));

        Assert.That(ImageInputs.Hash(package.Path, "sha256:base", new Dictionary<string, string> { ["A"] = "1arg B=2" }),
            Is.Not.EqualTo(ImageInputs.Hash(package.Path, "sha256:base", new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" })));
    }
}
