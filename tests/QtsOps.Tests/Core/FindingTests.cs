using QtsOps.Core.Reports;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class FindingTests
{
    [Test]
    public void An_error_message_is_split_at_its_fix()
    {
        var finding = Finding.FromError("deploy", "The port 8000 is taken. Fix: stop what listens there.");

        Assert.That((finding.Rule, finding.Severity, finding.File, finding.Line, finding.Message, finding.Fix),
            Is.EqualTo(("deploy", "error", (string?)null, (int?)null, "The port 8000 is taken.", "stop what listens there.")));
    }

    [Test]
    public void An_error_message_without_a_fix_points_at_itself()
    {
        var finding = Finding.FromError("deploy", "The engine did not answer.");

        Assert.That((finding.Message, finding.Fix), Is.EqualTo(("The engine did not answer.", "See the message.")));
    }

    [Test]
    public void A_fix_at_the_start_leaves_an_empty_message()
    {
        var finding = Finding.FromError("deploy", " Fix: run it again.");

        Assert.That((finding.Message, finding.Fix), Is.EqualTo(("", "run it again.")));
    }
}
