using System.Diagnostics;

namespace QtsOps.Tests.Docker;

/// <summary>A program the tests run themselves (docker, ssh-keygen), outside the pipeline.</summary>
public static class Command
{
    public sealed record Result(int ExitCode, IReadOnlyList<string> Output, string Error)
    {
        /// <summary>Fails the test with the program's own words unless it exited 0.</summary>
        public Result EnsureSuccess(string what)
        {
            if (ExitCode != 0) Assert.Fail($"{what} failed (exit {ExitCode}): {Error}");
            return this;
        }
    }

    public static Result Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new Result(process.ExitCode, [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)], error.Result);
    }
}
