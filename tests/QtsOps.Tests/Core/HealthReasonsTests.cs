using QtsOps.Core.Verification;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class HealthReasonsTests
{
    [Test]
    public void The_reasons_an_unhealthy_service_gives_are_read_from_its_health_body()
    {
        Assert.That(HealthReasons.Of("{\"status\": \"unhealthy\", \"reasons\": [\"data directory /app/data/observer is not writable\", 3]}"),
            Is.EqualTo(new[] { "data directory /app/data/observer is not writable" }));
    }

    [TestCase("{\"status\": \"ok\"}")]
    [TestCase("<html>502 Bad Gateway</html>")]
    [TestCase("[\"reasons\"]")]
    [TestCase("")]
    public void A_body_without_reasons_gives_none(string body)
    {
        Assert.That(HealthReasons.Of(body), Is.Empty);
    }
}
