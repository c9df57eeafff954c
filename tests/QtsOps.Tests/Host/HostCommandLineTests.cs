using Cake.Core.Diagnostics;
using QtsOps.Host;

namespace QtsOps.Tests.Host;

public class HostCommandLineTests
{
    [Test]
    public void Reads_host_options_in_their_long_short_and_spaced_forms()
    {
        var line = HostCommandLine.Parse(["--target=a", "-t", "b", "--verbosity", "diagnostic", "--dryrun", "-e", "--working=/tmp"]);

        Assert.That(line.Targets, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(line.Verbosity, Is.EqualTo(Verbosity.Diagnostic));
        Assert.That(line.DryRun && line.Exclusive, Is.True);
        Assert.That(line.WorkingDirectory, Is.EqualTo("/tmp"));
    }

    [Test]
    public void Free_arguments_keep_their_values_and_bare_ones_are_true()
    {
        var line = HostCommandLine.Parse(["--env=staging", "--strict", "--bump", "minor", "--tree"]);

        Assert.That(line.Arguments, Does.Contain(new KeyValuePair<string, string>("env", "staging")));
        Assert.That(line.Arguments, Does.Contain(new KeyValuePair<string, string>("strict", "true")));
        Assert.That(line.Arguments, Does.Contain(new KeyValuePair<string, string>("bump", "minor")));
        Assert.That(line.Tree, Is.True);
    }

    [Test]
    public void A_bare_version_asks_for_the_host_version_but_a_version_value_is_a_task_argument()
    {
        Assert.That(HostCommandLine.Parse(["--version"]).Version, Is.True);

        var line = HostCommandLine.Parse(["--target=release", "--version=1.3.0"]);

        Assert.That(line.Version, Is.False);
        Assert.That(line.Arguments, Does.Contain(new KeyValuePair<string, string>("version", "1.3.0")));
    }

    [TestCase("target")]
    [TestCase("working")]
    public void An_option_that_needs_a_value_says_so(string option)
    {
        var error = Assert.Throws<HostUsageException>(() => HostCommandLine.Parse([$"--{option}"]));
        Assert.That(error!.Message, Does.Contain($"--{option} needs a value"));
    }

    [Test]
    public void A_switch_with_a_strange_value_is_refused()
    {
        var error = Assert.Throws<HostUsageException>(() => HostCommandLine.Parse(["--dryrun=maybe"]));
        Assert.That(error!.Message, Does.Contain("--dryrun is a switch"));
    }

    [Test]
    public void A_bare_word_is_refused_with_the_expected_form()
    {
        var error = Assert.Throws<HostUsageException>(() => HostCommandLine.Parse(["deploy"]));
        Assert.That(error!.Message, Does.Contain("--target=NAME"));
    }
}
