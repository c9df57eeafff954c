using QtsOps.Core.Terraform;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class PlanFingerprintTests
{
    private static readonly Dictionary<string, string> Sources = new() { ["src/infra/environments/local/main.tf"] = "aa", ["src/infra/modules/rg/main.tf"] = "bb" };
    private static readonly PlanFingerprint AtPlan = new("local", "1111111aaaa", Sources, "lineage-1", 3, "plan-sha");

    [Test]
    public void An_unchanged_fingerprint_has_no_changes()
    {
        Assert.That((AtPlan with { Sources = new Dictionary<string, string>(Sources) }).ChangesSince(AtPlan), Is.Empty);
    }

    [Test]
    public void Each_change_is_named()
    {
        var now = new PlanFingerprint("local", "2222222bbbb",
            new Dictionary<string, string> { ["src/infra/environments/local/main.tf"] = "changed", ["extra.tfvars"] = "cc" }, "lineage-1", 5, "other-sha");

        var changes = now.ChangesSince(AtPlan);

        Assert.That(changes, Has.Count.EqualTo(4));
        Assert.That(changes[0], Does.Contain("commit 1111111").And.Contain("now at 2222222"));
        Assert.That(changes[1], Is.EqualTo("Terraform sources or var files changed: extra.tfvars (added), src/infra/environments/local/main.tf (modified), src/infra/modules/rg/main.tf (removed)"));
        Assert.That(changes[2], Does.Contain("serial 3 -> 5"));
        Assert.That(changes[3], Does.Contain("plan file was changed"));
    }

    [Test]
    public void A_new_commit_that_leaves_the_terraform_files_alone_still_makes_the_plan_stale()
    {
        var changes = (AtPlan with { Commit = "2222222bbbb", Sources = new Dictionary<string, string>(Sources) }).ChangesSince(AtPlan);

        Assert.That(changes, Is.EqualTo(new[] { "it was made at commit 1111111; the checkout is now at 2222222" }));
    }

    [Test]
    public void A_different_state_lineage_is_named_rather_than_its_serial()
    {
        var changes = (AtPlan with { StateLineage = "lineage-2", StateSerial = 1 }).ChangesSince(AtPlan);

        Assert.That(changes, Is.EqualTo(new[] { "the state is a different one than the plan was made against (its lineage differs)" }));
    }

    [Test]
    public void A_state_created_after_a_plan_on_no_state_is_named_so()
    {
        var beforeAnyState = AtPlan with { StateLineage = "", StateSerial = 0 };

        Assert.That(AtPlan.ChangesSince(beforeAnyState), Is.EqualTo(new[] { "the state was created since the plan (something was applied after it was made)" }));
    }

    [Test]
    public void Sources_are_the_terraform_files_and_var_files_without_terraform_working_data()
    {
        using var repo = new TempDirectory();
        repo.Write("src/infra/environments/local/main.tf", "a");
        repo.Write("src/infra/environments/local/terraform.tfvars", "b");
        repo.Write("src/infra/environments/local/backend.hcl", "c");
        repo.Write("src/infra/environments/local/README.md", "not terraform");
        repo.Write("src/infra/environments/local/.terraform.lock.hcl", "lock");
        repo.Write("src/infra/environments/local/.terraform/modules/modules.json", "{}");
        repo.Write("src/infra/modules/rg/main.tf", "d");
        using var outside = new TempDirectory();
        var varFile = outside.Write("ci.tfvars", "e");

        var hashes = PlanFingerprint.HashSources(repo.Path, [repo.Combine("src/infra/environments/local"), repo.Combine("src/infra/modules")], [varFile]);

        Assert.That(hashes.Keys, Is.EquivalentTo(new[]
        {
            "src/infra/environments/local/main.tf", "src/infra/environments/local/terraform.tfvars", "src/infra/environments/local/backend.hcl",
            "src/infra/modules/rg/main.tf", varFile,
        }));
        Assert.That(hashes["src/infra/environments/local/main.tf"], Is.EqualTo("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"));

        File.WriteAllText(repo.Combine("src/infra/modules/rg/main.tf"), "changed");
        var after = PlanFingerprint.HashSources(repo.Path, [repo.Combine("src/infra/environments/local"), repo.Combine("src/infra/modules")], [varFile]);
        Assert.That(after["src/infra/modules/rg/main.tf"], Is.Not.EqualTo(hashes["src/infra/modules/rg/main.tf"]));
    }

    [Test]
    public void Metadata_round_trips_and_a_damaged_file_is_named()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine(PlanMetadata.FileName);
        var metadata = new PlanMetadata(AtPlan, ["/ci/x.tfvars"], HasChanges: true, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        metadata.Save(path);
        var loaded = PlanMetadata.Load(path);

        Assert.That(loaded.Fingerprint.ChangesSince(AtPlan), Is.Empty);
        Assert.That(loaded.VarFiles, Is.EqualTo(new[] { "/ci/x.tfvars" }));
        Assert.That(loaded.HasChanges, Is.True);

        File.WriteAllText(path, "{ not json");
        var error = Assert.Throws<InvalidDataException>(() => PlanMetadata.Load(path));
        Assert.That(error!.Message, Does.Contain(path).And.Contain("not plan metadata"));
    }

    // Each damage a file can have: nothing in it, a member missing or null, a value of the wrong type, broken JSON.
    [TestCase("{}", 1, "missing required properties", "")]
    [TestCase("{\n  \"fingerprint\": null,\n  \"varFiles\": [],\n  \"hasChanges\": true,\n  \"createdAt\": \"2026-01-02T03:04:05Z\"\n}", 2, "", "(at $.fingerprint)")]
    [TestCase("{\n  \"varFiles\": [],\n  \"hasChanges\": \"yes\"\n}", 3, "The JSON value could not be converted", "(at $.hasChanges)")]
    [TestCase("null", 1, "it holds null", "")]
    [TestCase("{ \"varFiles\": [", 1, "", "")]
    public void A_damaged_metadata_file_is_named_with_its_line_and_what_is_wrong(string text, int line, string what, string at)
    {
        using var dir = new TempDirectory();
        var path = dir.Write(PlanMetadata.FileName, text);

        var error = Assert.Throws<InvalidDataException>(() => PlanMetadata.Load(path))!;

        Assert.That(error.Message, Does.StartWith($"{path}:{line}: ").And.Contain(what).And.Contain(at).And.EndWith(": not plan metadata as terraform-plan writes it."));
    }

    [Test]
    public void A_plan_for_another_environment_is_named_first()
    {
        var changes = (AtPlan with { Environment = "prod", Sources = new Dictionary<string, string>(Sources) }).ChangesSince(AtPlan);

        Assert.That(changes, Is.EqualTo(new[] { "the plan is for environment 'local', not 'prod'" }));
    }

    [Test]
    public void Commits_shorter_than_seven_characters_are_named_whole()
    {
        var changes = (AtPlan with { Commit = "abc12", Sources = new Dictionary<string, string>(Sources) }).ChangesSince(AtPlan with { Commit = "def" });

        Assert.That(changes, Is.EqualTo(new[] { "it was made at commit def; the checkout is now at abc12" }));
    }

    [Test]
    public void A_var_file_that_does_not_exist_is_hashed_as_missing()
    {
        using var repo = new TempDirectory();
        var absent = repo.Combine("ci.tfvars");

        var hashes = PlanFingerprint.HashSources(repo.Path, [], [absent]);

        Assert.That(hashes, Is.EqualTo(new Dictionary<string, string> { ["ci.tfvars"] = "missing" }));
    }

    [Test]
    public void Metadata_is_saved_as_indented_json_ending_with_a_newline()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine(PlanMetadata.FileName);

        new PlanMetadata(AtPlan, [], HasChanges: false, DateTimeOffset.UnixEpoch).Save(path);

        var text = File.ReadAllText(path);
        Assert.That(text, Does.StartWith("{\n  \"fingerprint\": {\n    \"environment\": \"local\",\n").And.EndWith("}\n"));
    }
}
