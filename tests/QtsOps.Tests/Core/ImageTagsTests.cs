using QtsOps.Core.Images;
using QtsOps.Core.Versioning;

namespace QtsOps.Tests.Core;

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

    private const string Mirror = "http://deb.debian.org/debian";
    private const string SecurityMirror = "http://deb.debian.org/debian-security";

    [Test]
    public void Base_image_names_follow_the_recipe_and_the_suites_state_not_the_mirrors()
    {
        var recipe = BaseImageRecipe.PythonBookworm(Mirror, SecurityMirror);

        Assert.That(recipe.ImageName("0123456789ab"), Does.Match("^qtsops/python-base:bookworm-[0-9a-f]{12}-0123456789ab$"));
        Assert.That(recipe.ImageName("0123456789ab"), Does.StartWith(recipe.RecipeName + "-"));
        Assert.That(BaseImageRecipe.PythonBookworm("http://mirror.example/debian", "http://mirror.example/debian-security").RecipeName, Is.EqualTo(recipe.RecipeName));
        Assert.That((recipe with { Packages = ["python3", "curl"] }).RecipeName, Is.Not.EqualTo(recipe.RecipeName));
        Assert.That(recipe.ImageName("ba9876543210"), Is.Not.EqualTo(recipe.ImageName("0123456789ab")), "a security update gives a new image");
    }

    [Test]
    public void The_edge_is_nginx_reading_the_configuration_the_deploy_writes()
    {
        var edge = BaseImageRecipe.EdgeBookworm(Mirror, SecurityMirror);

        Assert.That(edge.RecipeName, Does.Match("^qtsops/edge:bookworm-[0-9a-f]{12}$"));
        Assert.That((edge.Suite, edge.Variant, edge.Packages), Is.EqualTo(("bookworm", "minbase", new[] { "nginx-light" })));
        Assert.That(edge.ImportChanges.Last(), Is.EqualTo("CMD [\"nginx\", \"-e\", \"stderr\", \"-c\", \"/etc/qtsops-edge/conf/nginx.conf\", \"-g\", \"daemon off;\"]"));
        Assert.That((edge with { ImportChanges = [.. edge.ImportChanges.SkipLast(1)] }).RecipeName, Is.Not.EqualTo(edge.RecipeName));
    }

    [Test]
    public void The_base_image_is_a_minimal_bookworm_with_python3_a_path_a_utf8_locale_and_no_package_caches()
    {
        var recipe = BaseImageRecipe.PythonBookworm(Mirror, SecurityMirror);

        Assert.That((recipe.Suite, recipe.Variant, recipe.Packages, recipe.Mirror), Is.EqualTo(("bookworm", "minbase", new[] { "python3" }, Mirror)));
        Assert.That(recipe.ImportChanges, Is.EqualTo(new[] { "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8", "CMD [\"python3\"]" }));
        Assert.That(recipe.RemovedPaths, Is.EqualTo(new[] { "var/cache/apt", "var/lib/apt/lists" }));
    }

    [Test]
    public void The_image_takes_the_security_updates_from_the_security_archive_signed_by_debians_keyring()
    {
        var recipe = BaseImageRecipe.EdgeBookworm(Mirror, SecurityMirror);

        Assert.That(recipe.Sources, Is.EqualTo(new[] { (Mirror, "bookworm"), (Mirror, "bookworm-updates"), (SecurityMirror, "bookworm-security") }));
        Assert.That(recipe.SourcesList, Is.EqualTo(
            "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main\n" +
            "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main\n" +
            "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main\n"));
    }

    // A new recipe name rebuilds the base image on every engine: it changes only with the recipe (the
    // value is SHA-256 of suite, variant, packages, import changes, removed paths and suites, one a line).
    [Test]
    public void The_recipe_name_is_stable_and_keeps_the_packages_apart()
    {
        var recipe = BaseImageRecipe.PythonBookworm(Mirror, SecurityMirror);

        Assert.That(recipe.RecipeName, Is.EqualTo("qtsops/python-base:bookworm-d95472c535c9"));
        Assert.That((recipe with { Packages = ["python3", "curl"] }).RecipeName, Is.Not.EqualTo((recipe with { Packages = ["python3c", "url"] }).RecipeName));
    }
}
