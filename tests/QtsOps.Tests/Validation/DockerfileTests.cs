using QtsOps.Release.Validation.Docker;

namespace QtsOps.Tests.Validation;

[Category("Core")]
public class DockerfileTests
{
    [Test]
    public void Instructions_keep_the_line_they_start_on_across_continuations_and_comments()
    {
        var dockerfile = Dockerfile.Parse("""
            # syntax=docker/dockerfile:1
            ARG BASE_IMAGE=python:3.11-slim

            FROM ${BASE_IMAGE} AS build
            RUN apt-get update \
                # a comment inside the continuation
                && apt-get install -y curl \

                && rm -rf /var/lib/apt/lists/*
            from build
            user qts
            """);

        Assert.That(dockerfile.Instructions.Select(i => (i.Keyword, i.Line, i.Stage)),
            Is.EqualTo(new[] { ("ARG", 2, -1), ("FROM", 4, 0), ("RUN", 5, 0), ("FROM", 10, 1), ("USER", 11, 1) }));
        Assert.That(dockerfile.Instructions[2].Arguments, Is.EqualTo("apt-get update     && apt-get install -y curl     && rm -rf /var/lib/apt/lists/*"));
        Assert.That(dockerfile.Stages.Select(s => (s.Image, s.Name, s.Line)), Is.EqualTo(new[] { ("${BASE_IMAGE}", "build", 4), ("build", (string?)null, 10) }));
        Assert.That(dockerfile.ResolvedImage(dockerfile.Stages[0]), Is.EqualTo("python:3.11-slim"));
        Assert.That(dockerfile.FinalStage.Last("USER")!.Arguments, Is.EqualTo("qts"));
    }

    [Test]
    public void The_escape_directive_and_heredocs_are_honoured()
    {
        var dockerfile = Dockerfile.Parse("""
            # escape=`
            FROM mcr.microsoft.com/windows/servercore:ltsc2022
            RUN dir `
                C:\
            RUN <<EOF
            FROM is not an instruction here
            EOF
            CMD ["cmd"]
            """);

        Assert.That(dockerfile.Instructions.Select(i => (i.Keyword, i.Line)), Is.EqualTo(new[] { ("FROM", 2), ("RUN", 3), ("RUN", 5), ("CMD", 8) }));
        Assert.That(dockerfile.Instructions[1].Arguments, Does.EndWith(@"C:\"));
    }

    [Test]
    public void Arg_and_env_forms_and_variable_expansion()
    {
        Assert.That(Dockerfile.ParseKeyValues("A=1 B=\"two words\" C"), Is.EqualTo(new[] { ("A", "1"), ("B", "two words"), ("C", (string?)null) }));
        Assert.That(Dockerfile.ParseKeyValues("PATH /usr/local/bin:/usr/bin", legacySpaceForm: true), Is.EqualTo(new[] { ("PATH", (string?)"/usr/local/bin:/usr/bin") }));
        Assert.That(Dockerfile.ParseKeyValues("X=a\\ b", legacySpaceForm: true), Is.EqualTo(new[] { ("X", (string?)"a b") }));

        var env = Dockerfile.EnvironmentOf(Dockerfile.Parse("FROM x:1\nENV A=1 B=2\nENV A 3\n").FinalStage);
        Assert.That(env["A"], Is.EqualTo(("3", 3)));
        Assert.That(env["B"], Is.EqualTo(("2", 2)));

        var variables = new Dictionary<string, string?> { ["TAG"] = "3.11", ["EMPTY"] = "" };
        Assert.That(Dockerfile.Expand("python:${TAG}-slim", variables), Is.EqualTo("python:3.11-slim"));
        Assert.That(Dockerfile.Expand("python:$TAG", variables), Is.EqualTo("python:3.11"));
        Assert.That(Dockerfile.Expand("python:${EMPTY:-3.12}", variables), Is.EqualTo("python:3.12"));
        Assert.That(Dockerfile.Expand("python:${MISSING}", variables), Is.Null);
    }

    [Test]
    public void Exec_form_and_healthcheck_forms()
    {
        Assert.That(Dockerfile.ParseExecForm("""["python3","-m","x"]"""), Is.EqualTo(new[] { "python3", "-m", "x" }));
        Assert.That(Dockerfile.ParseExecForm("python3 -m x"), Is.Null);
        Assert.That(Dockerfile.ParseExecForm("[not json"), Is.Null);

        var exec = Dockerfile.ParseHealthcheck("""--interval=10s --retries=3 CMD ["curl","-f","http://127.0.0.1:8000/health"]""");
        Assert.That(exec.Options, Is.EqualTo(new Dictionary<string, string> { ["interval"] = "10s", ["retries"] = "3" }));
        Assert.That(exec.ExecCommand, Is.EqualTo(new[] { "curl", "-f", "http://127.0.0.1:8000/health" }));
        Assert.That(Dockerfile.ParseHealthcheck("CMD curl -f http://x/health || exit 1").ShellCommand, Is.EqualTo("curl -f http://x/health || exit 1"));
        Assert.That(Dockerfile.ParseHealthcheck("""CMD ["CMD-SHELL", "exit 0"]""").ShellCommand, Is.EqualTo("exit 0"));
        Assert.That(Dockerfile.ParseHealthcheck("NONE").IsNone, Is.True);
        Assert.Throws<FormatException>(() => Dockerfile.ParseHealthcheck("--interval=5s"));
    }

    [TestCase("RUN echo hi\n", 1, "RUN before the first FROM")]
    [TestCase("FROM x:1\nFROBNICATE y\n", 2, "unknown instruction 'FROBNICATE'")]
    [TestCase("FROM\n", 1, "FROM needs an image")]
    [TestCase("# only a comment\n", 1, "no FROM instruction")]
    public void Syntax_errors_name_the_line(string text, int line, string message)
    {
        var error = Assert.Throws<DockerfileSyntaxException>(() => Dockerfile.Parse(text))!;
        Assert.That(error.Line, Is.EqualTo(line));
        Assert.That(error.Message, Does.Contain(message));
    }
}
