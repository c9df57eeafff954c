using QtsOps.Core.Validation.Observer;

namespace QtsOps.Tests.Core;

[Category("Core")]
public class HealthProbeTests
{
    [TestCase("exit 0")]
    [TestCase("true")]
    [TestCase("curl -f http://127.0.0.1:8000/health || true")]
    [TestCase("curl -f http://127.0.0.1:8000/health || echo unhealthy")]
    [TestCase("curl -f http://127.0.0.1:8000/health; exit 0")]
    [TestCase("curl http://127.0.0.1:8000/health")]
    [TestCase("python3 -c import sys; sys.exit(0)")]
    [TestCase("python -c \"import urllib.request as u\ntry: u.urlopen('http://127.0.0.1:8000/health')\nexcept Exception: pass\nsys.exit(0)\"")]
    public void Commands_that_always_succeed_are_recognised(string command)
    {
        Assert.That(HealthProbe.WhyItCannotFail(command), Is.Not.Null);
    }

    [TestCase("curl -f http://127.0.0.1:8000/health || exit 1")]
    [TestCase("curl --fail --silent http://127.0.0.1:8000/health")]
    [TestCase("curl -sf http://127.0.0.1:8000/health && echo ok")]
    [TestCase("wget -qO- http://127.0.0.1:8000/health")]
    [TestCase("python3 -c import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)")]
    [TestCase("python3 -c import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:8000/health'); sys.exit(0)")]
    public void Commands_that_can_fail_pass(string command)
    {
        Assert.That(HealthProbe.WhyItCannotFail(command), Is.Null);
    }

    [TestCase("curl -f http://127.0.0.1:8000/health", 8000)]
    [TestCase("wget -qO- http://localhost/health", 80)]
    [TestCase("curl -f https://[::1]:8443/health", 8443)]
    [TestCase("pgrep python3", null)]
    public void The_probed_port_is_read_from_the_url(string command, int? port)
    {
        Assert.That(HealthProbe.Port(command), Is.EqualTo(port));
    }

    [TestCase(" exit 0 ", "'exit 0' always exits 0")]
    [TestCase("curl -f http://127.0.0.1:8000/health || true", "'|| true' turns every failure into success")]
    [TestCase("curl -f http://127.0.0.1:8000/health; echo done", "it ends with 'echo done', which exits 0 whatever the probe found")]
    [TestCase("python3 -c import sys; sys.exit(0)", "'sys.exit(0)' exits 0 whatever the probe found")]
    [TestCase("curl http://127.0.0.1:8000/health", "curl without --fail exits 0 on an HTTP 503")]
    public void Why_a_command_cannot_fail_is_said_in_words(string command, string reason)
    {
        Assert.That(HealthProbe.WhyItCannotFail(command), Is.EqualTo(reason));
    }

    [TestCase("curl -f https://observer.internal/health", 443)]
    [TestCase("curl -f http://observer.internal/health", 80)]
    public void A_url_without_a_port_has_its_schemes_default_port(string command, int port)
    {
        Assert.That(HealthProbe.Port(command), Is.EqualTo(port));
    }

    // Issue 29, point 8: a program that ignores its arguments asks nothing, whatever URL follows it.
    [TestCase("true http://127.0.0.1:8000/health", "'true' exits 0 whatever its arguments")]
    [TestCase("/bin/true --url=http://127.0.0.1:8000/health", "'/bin/true' exits 0 whatever its arguments")]
    [TestCase("echo http://127.0.0.1:8000/health", "'echo' exits 0 whatever its arguments")]
    [TestCase(": http://127.0.0.1:8000/health", "':' exits 0 whatever its arguments")]
    public void A_program_that_ignores_its_arguments_cannot_fail(string command, string reason)
    {
        Assert.That(HealthProbe.WhyItCannotFail(command), Is.EqualTo(reason));
    }

    [TestCase("curl -f http://example.com/health", "calls http://example.com/health, which is not the service in its own container (the check runs inside it)")]
    [TestCase("wget -qO- http://10.0.0.4:8000/health", "calls http://10.0.0.4:8000/health, which is not the service in its own container (the check runs inside it)")]
    [TestCase("test -n http://127.0.0.1:8000/health", "names http://127.0.0.1:8000/health but nothing in it requests that URL, so it says nothing about the service")]
    [TestCase("pgrep -f qts_observer", "does not call /health, so it says nothing about the service")]
    [TestCase("curl -f http://127.0.0.1:8000/metrics", "does not call /health, so it says nothing about the service")]
    public void A_check_that_never_asks_the_service_says_why(string command, string reason)
    {
        Assert.That(HealthProbe.WhyItDoesNotAskTheService(command), Is.EqualTo(reason));
    }

    [TestCase("python3 -c import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health',timeout=2).status==200 else 1)")]
    [TestCase("curl -f http://localhost:8000/health")]
    [TestCase("wget -qO- http://[::1]:8000/health?full=1")]
    [TestCase("curl -f http://0.0.0.0:8000/health")]
    [TestCase("curl -f http://127.0.0.1:8000/health || curl -f http://observer.example:8000/health")]
    public void A_request_to_the_service_in_its_container_asks_it(string command)
    {
        Assert.That(HealthProbe.WhyItDoesNotAskTheService(command), Is.Null);
    }
}
