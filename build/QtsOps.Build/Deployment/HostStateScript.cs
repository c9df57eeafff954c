namespace QtsOps.Build.Deployment;

/// <summary>
/// The host script that reads <see cref="QtsOps.Core.Deployment.HostState"/> in one ssh round trip:
/// arguments as <see cref="QtsOps.Core.Deployment.HostStatePaths"/> orders them, a fact a line as
/// <see cref="QtsOps.Core.Deployment.HostState.Parse"/> reads them. Changes nothing.
/// </summary>
public static class HostStateScript
{
    /// <summary>sh: the kilobytes free where the folder $p would be (its nearest existing parent: it may not be made yet).</summary>
    public const string FreeKilobytes = """while [ ! -d "$p" ]; do p=$(dirname "$p"); done; df -Pk "$p" | awk 'NR==2 {print $4}'""";

    public const string Text = """
        releases=$1; current=$2; active=$3; history=$4; lock=$5; p=$6
        if [ -d "$releases" ]; then find "$releases" -mindepth 1 -maxdepth 1 -type d -printf 'release %T@ %f\n'; fi
        if [ -L "$current" ]; then printf 'current %s\n' "$(readlink "$current")"; fi
        if [ -L "$active" ]; then printf 'active %s\n' "$(readlink "$active")"; fi
        printf 'free %s\n' "$(
        """ + FreeKilobytes + """
        )"
        if [ -e "$lock" ] && exec 9<"$lock"; then
          if flock -n 9; then echo 'lock free'; else echo 'lock held'; fi
          exec 9<&-
          if [ -s "$lock.owner" ]; then printf 'owner %s\n' "$(cat -- "$lock.owner")"; fi
        else echo 'lock free'; fi
        if [ -f "$history" ]; then sed 's/^/history /' -- "$history"; fi
        """;
}
