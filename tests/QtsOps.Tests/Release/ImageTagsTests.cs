using QtsOps.Release.Images;
using QtsOps.Release.Versioning;

namespace QtsOps.Tests.Release;

[Category("Core")]
public class ImageTagsTests
{
    [Test]
    public void A_release_version_also_moves_major_minor_and_latest() =>
        Assert.That(ImageTags.For(SemanticVersion.Parse("1.2.4"), "abc1234"), Is.EqualTo(new[] { "1.2.4", "sha-abc1234", "1.2", "latest" }));

    [Test]
    public void A_prerelease_gets_its_version_and_commit() =>
        Assert.That(ImageTags.For(SemanticVersion.Parse("1.2.4-alpha.0.1"), "abc1234"), Is.EqualTo(new[] { "1.2.4-alpha.0.1", "sha-abc1234" }));

    [TestCase("1.2.4+dirty.1a2b3c4d", "1.2.4_dirty.1a2b3c4d")]
    [TestCase("1.2.4-alpha.0.1+dirty.1a2b3c4d", "1.2.4-alpha.0.1_dirty.1a2b3c4d")]
    public void A_build_with_uncommitted_changes_gets_only_its_version_not_the_commit(string version, string tag) =>
        Assert.That(ImageTags.For(SemanticVersion.Parse(version), "abc1234"), Is.EqualTo(new[] { tag }));

    [Test]
    public void Base_image_names_follow_the_recipe_not_the_mirror()
    {
        var recipe = BaseImageRecipe.PythonBookworm("http://deb.debian.org/debian");

        Assert.That(recipe.ImageName, Does.Match("^qtsops/python-base:bookworm-[0-9a-f]{12}$"));
        Assert.That(BaseImageRecipe.PythonBookworm("http://mirror.example/debian").ImageName, Is.EqualTo(recipe.ImageName));
        Assert.That((recipe with { Packages = ["python3", "curl"] }).ImageName, Is.Not.EqualTo(recipe.ImageName));
        // The name the images bootstrapped before the edge existed have: the Python base is not built again.
        Assert.That(recipe.ImageName, Is.EqualTo("qtsops/python-base:bookworm-6a76abd6d4cc"));
    }

    [Test]
    public void The_edge_is_nginx_reading_the_configuration_the_deploy_writes()
    {
        var edge = BaseImageRecipe.EdgeBookworm("http://deb.debian.org/debian");

        Assert.That(edge.ImageName, Does.Match("^qtsops/edge:bookworm-[0-9a-f]{12}$"));
        Assert.That((edge.Suite, edge.Variant, edge.Packages), Is.EqualTo(("bookworm", "minbase", new[] { "nginx-light" })));
        Assert.That(edge.ImportChanges.Last(), Is.EqualTo("CMD [\"nginx\", \"-e\", \"stderr\", \"-c\", \"/etc/qtsops-edge/conf/nginx.conf\", \"-g\", \"daemon off;\"]"));
        Assert.That((edge with { ImportChanges = [.. edge.ImportChanges.SkipLast(1)] }).ImageName, Is.Not.EqualTo(edge.ImageName));
    }

    [Test]
    public void The_base_image_is_a_minimal_bookworm_with_python3_a_path_a_utf8_locale_and_no_package_caches()
    {
        var recipe = BaseImageRecipe.PythonBookworm("http://deb.debian.org/debian");

        Assert.That((recipe.Suite, recipe.Variant, recipe.Packages, recipe.Mirror), Is.EqualTo(("bookworm", "minbase", new[] { "python3" }, "http://deb.debian.org/debian")));
        Assert.That(recipe.ImportChanges, Is.EqualTo(new[] { "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8", "CMD [\"python3\"]" }));
        Assert.That(recipe.RemovedPaths, Is.EqualTo(new[] { "var/cache/apt/archives", "var/lib/apt/lists" }));
    }

    // A new name rebuilds the base image on every engine: it changes only with the recipe (the
    // value is SHA-256 of suite, variant, packages, import changes and removed paths, one a line).
    [Test]
    public void The_base_image_name_is_stable_and_keeps_the_packages_apart()
    {
        var recipe = BaseImageRecipe.PythonBookworm("http://deb.debian.org/debian");

        Assert.That(recipe.ImageName, Is.EqualTo("qtsops/python-base:bookworm-6a76abd6d4cc"));
        Assert.That((recipe with { Packages = ["python3", "curl"] }).ImageName, Is.Not.EqualTo((recipe with { Packages = ["python3c", "url"] }).ImageName));
    }
}

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
