using QtsOps.Core.Verification;

namespace QtsOps.Tests.Core;

/// <summary>How long verify lets a container settle.</summary>
[Category("Core")]
public class SettleWindowTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T10:00:00Z");
    private static readonly SettleWindow Window = new(Start, 12);

    [Test]
    public void A_container_that_just_started_is_given_the_whole_window()
    {
        Assert.That(Window.LeftAt(Start), Is.EqualTo(TimeSpan.FromSeconds(12)));
    }

    [Test]
    public void The_window_ends_its_seconds_after_the_start()
    {
        Assert.That(Window.End, Is.EqualTo(DateTimeOffset.Parse("2026-01-01T10:00:12Z")));
    }

    [Test]
    public void One_second_before_the_window_ends_verify_waits_that_second()
    {
        Assert.That(Window.LeftAt(Start.AddSeconds(11)), Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [TestCase(12)]
    [TestCase(13)]
    public void At_the_end_of_the_window_and_after_it_verify_does_not_wait(int secondsSinceStart)
    {
        Assert.That(Window.LeftAt(Start.AddSeconds(secondsSinceStart)), Is.EqualTo(TimeSpan.Zero));
    }
}
