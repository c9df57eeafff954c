namespace QtsOps.Build.Deployment;

/// <summary>
/// The host script that reads <see cref="QtsOps.Core.Deployment.HostState"/> in one round trip:
/// arguments as <see cref="QtsOps.Core.Deployment.HostStatePaths"/> orders them, a fact a line as
/// <see cref="QtsOps.Core.Deployment.HostState.Parse"/> reads them. Changes nothing.
/// </summary>
public static class HostStateScript
{
    public const string Text = """
        releases=$1; current=$2; active=$3; history=$4; lock=$5; p=$6
        if [ -d "$releases" ]; then find "$releases" -mindepth 1 -maxdepth 1 -type d -printf 'release %T@ %f\n'; fi
        if [ -L "$current" ]; then printf 'current %s\n' "$(readlink "$current")"; fi
        if [ -L "$active" ]; then printf 'active %s\n' "$(readlink "$active")"; fi
        printf 'free %s\n' "$(
        """ + HostScripts.FreeKilobytes + """
        )"

        """ + HostScripts.LockState + """

        if [ -f "$history" ]; then sed 's/^/history /' -- "$history"; fi
        """;
}
