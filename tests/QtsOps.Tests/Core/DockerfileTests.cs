using QtsOps.Core.Validation.Docker;

namespace QtsOps.Tests.Core;

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
    private static (string Keyword, int Line)[] Instructions(string text) => Dockerfile.Parse(text).Instructions.Select(i => (i.Keyword, i.Line)).ToArray();

    [Test]
    public void Every_dockerfile_instruction_is_known()
    {
        var dockerfile = Dockerfile.Parse("FROM x:1\nADD https://example.org/a.tgz /opt/\nMAINTAINER ops\nONBUILD RUN true\nSHELL [\"/bin/bash\", \"-c\"]\nSTOPSIGNAL SIGTERM\nVOLUME /data\n");

        Assert.That(dockerfile.Instructions.Select(i => i.Keyword), Is.EqualTo(new[] { "FROM", "ADD", "MAINTAINER", "ONBUILD", "SHELL", "STOPSIGNAL", "VOLUME" }));
    }

    [Test]
    public void A_continuation_on_the_last_line_or_before_only_blank_lines_ends_the_file()
    {
        Assert.That(Dockerfile.Parse("FROM x:1\nRUN echo a \\").Instructions[^1].Arguments, Is.EqualTo("echo a"));
        Assert.That(Dockerfile.Parse("FROM x:1\nRUN echo a \\\n\n# done\n").Instructions[^1].Arguments, Is.EqualTo("echo a"));
    }

    [Test]
    public void An_escape_directive_below_an_instruction_is_a_comment()
    {
        Assert.That(Instructions("FROM x:1\n# escape=`\nRUN echo `\nUSER qts\n"), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 3), ("USER", 4) }));
    }

    [Test]
    public void An_escape_directive_other_than_backslash_or_backtick_is_ignored()
    {
        Assert.That(Instructions("# escape=x\nFROM x:1\nRUN echo x\nUSER qts\n"), Is.EqualTo(new[] { ("FROM", 2), ("RUN", 3), ("USER", 4) }));
    }

    [Test]
    public void A_dash_heredoc_ends_at_its_tab_indented_delimiter_and_a_plain_one_only_at_the_bare_delimiter()
    {
        Assert.That(Instructions("FROM x:1\nRUN <<-EOF\n\techo hi\n\tEOF\nUSER qts\n"), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 2), ("USER", 5) }));
        Assert.That(Instructions("FROM x:1\nRUN <<EOF\n\tEOF\nFROM is text here\nEOF\nUSER qts\n"), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 2), ("USER", 6) }));
    }

    [Test]
    public void An_unterminated_heredoc_runs_to_the_end_of_the_file()
    {
        Assert.That(Instructions("FROM x:1\nRUN <<EOF\necho hi\nUSER qts"), Is.EqualTo(new[] { ("FROM", 1), ("RUN", 2) }));
    }

    [Test]
    public void A_bare_env_name_has_an_empty_value()
    {
        var env = Dockerfile.EnvironmentOf(Dockerfile.Parse("FROM x:1\nENV DEBUG\n").FinalStage);

        Assert.That(env["DEBUG"], Is.EqualTo(("", 2)));
    }

    [Test]
    public void Key_values_split_on_any_run_of_whitespace_and_the_space_form_is_env_only()
    {
        Assert.That(Dockerfile.ParseKeyValues("A=1  B=2"), Is.EqualTo(new[] { ("A", (string?)"1"), ("B", "2") }));
        Assert.That(Dockerfile.ParseKeyValues(" A=1 "), Is.EqualTo(new[] { ("A", (string?)"1") }));
        Assert.That(Dockerfile.ParseKeyValues(""), Is.Empty);
        Assert.That(Dockerfile.ParseKeyValues("", legacySpaceForm: true), Is.Empty);
        Assert.That(Dockerfile.ParseKeyValues("A 1"), Is.EqualTo(new[] { ("A", (string?)null), ("1", null) }));
        Assert.That(Dockerfile.ParseKeyValues("A", legacySpaceForm: true), Is.EqualTo(new[] { ("A", (string?)null) }));
        Assert.That(Dockerfile.ParseKeyValues("A=x\\"), Is.EqualTo(new[] { ("A", (string?)"x\\") }), "a backslash at the end is kept");
    }

    [Test]
    public void The_alternative_value_modifier_gives_the_word_only_when_the_variable_is_set()
    {
        var variables = new Dictionary<string, string?> { ["TAG"] = "3.11", ["EMPTY"] = "" };

        Assert.That(Dockerfile.Expand("python${TAG:+-slim}", variables), Is.EqualTo("python-slim"));
        Assert.That(Dockerfile.Expand("python${EMPTY:+-slim}", variables), Is.EqualTo("python"));
        Assert.That(Dockerfile.Expand("python${MISSING:+-slim}", variables), Is.EqualTo("python"));
    }

    [Test]
    public void Healthcheck_cmd_alone_or_before_a_bracket_and_a_none_healthcheck_has_no_command()
    {
        var bare = Dockerfile.ParseHealthcheck("CMD");
        Assert.That((bare.IsNone, bare.ShellCommand, bare.ExecCommand), Is.EqualTo((false, "", (IReadOnlyList<string>?)null)));
        Assert.That(Dockerfile.ParseHealthcheck("CMD[\"curl\",\"-f\",\"http://x/health\"]").ExecCommand, Is.EqualTo(new[] { "curl", "-f", "http://x/health" }));
        Assert.That(Dockerfile.ParseHealthcheck("NONE").CommandText, Is.EqualTo(""));

        var shell = Dockerfile.ParseHealthcheck("CMD [\"CMD-SHELL\", \"curl -f http://x/health\"]");
        Assert.That((shell.IsNone, shell.CommandText), Is.EqualTo((false, "curl -f http://x/health")));
    }

    [TestCase("CMDX curl -f http://x/health")]
    [TestCase("curl -f http://x/health")]
    public void A_healthcheck_without_cmd_or_none_is_refused_with_its_message(string arguments)
    {
        Assert.That(Assert.Throws<FormatException>(() => Dockerfile.ParseHealthcheck(arguments))!.Message, Is.EqualTo("HEALTHCHECK needs CMD <command> or NONE"));
        Assert.That(Dockerfile.TryParseHealthcheck(arguments), Is.Null);
    }
}
