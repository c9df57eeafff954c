using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>A compose variable with no value refused when the stack file is written, with the file, the line and the fix.</summary>
[Category("Core")]
public class ComposeInterpolationTests
{
    private static readonly Dictionary<string, string> Given = new() { ["QTS_OBSERVER_PORT"] = "8000" };

    private static string Refusal(string value) =>
        Assert.Throws<StackFileException>(() => ComposeInterpolation.Resolve(value, Given, ("src/observer/docker-compose.yml", 12)))!.Message;

    [Test]
    public void A_required_variable_with_no_value_is_refused_with_its_own_words_and_the_fix()
    {
        Assert.That(Refusal("${QTS_OBSERVER_IMAGE:?the release image}"), Is.EqualTo(
            "src/observer/docker-compose.yml:12: ${QTS_OBSERVER_IMAGE} has no value: the release image. "
            + "Fix: give QTS_OBSERVER_IMAGE a value (the pipeline sets the QTS_* variables it knows)."));
    }

    [Test]
    public void A_variable_with_no_value_and_no_default_is_refused_rather_than_left_empty()
    {
        Assert.That(Refusal("${QTS_OBSERVER_PORT}:$QTS_EDGE_PORT"), Is.EqualTo(
            "src/observer/docker-compose.yml:12: $QTS_EDGE_PORT has no value and no default: docker stack deploy would write an empty string there. "
            + "Fix: write ${QTS_EDGE_PORT:-DEFAULT} in the compose file, or give QTS_EDGE_PORT a value."));
    }
}
