namespace QtsOps.Build.Deployment;

/// <summary>
/// The host script that reads <see cref="QtsOps.Core.Deployment.HostState"/> in one round trip:
/// arguments as <see cref="QtsOps.Core.Deployment.HostStatePaths"/> orders them, then how many of the
/// history's newest lines to give, then the folders asked about, a line each; a fact a line as
/// <see cref="QtsOps.Core.Deployment.HostState.Parse"/> reads them.
/// Changes nothing.
/// </summary>
public static class HostStateScript
{
    public const string Text = """
        releases=$1; current=$2; active=$3; history=$4; lock=$5; p=$6; newest=$7; folders=$8
        installed=
        if [ -d "$releases" ]; then installed=$(find "$releases" -mindepth 1 -maxdepth 1 -type d -printf 'release %T@ %f\n'); fi
        if [ -n "$installed" ]; then printf '%s\n' "$installed"; fi
        if [ -L "$current" ]; then printf 'current %s\n' "$(readlink "$current")"; fi
        if [ -L "$active" ]; then printf 'active %s\n' "$(readlink "$active")"; fi
        edge=$(dirname "$active")
        conf=$edge/
        """ + QtsOps.Core.Deployment.SlotLayout.ConfigFolder + """

        held=$edge/
        """ + QtsOps.Core.Fleet.HeldCanary.Folder + "/" + QtsOps.Core.Fleet.HeldCanary.File + """

        if [ -L "$conf" ]; then printf 'edge %s\n' "$(readlink "$conf")"; fi
        if [ -f "$held" ]; then printf 'canary %s\n' "$(tr -d '\n' <"$held")"; fi
        if [ -n "$folders" ]; then printf '%s\n' "$folders" | while IFS= read -r folder; do
          [ -d "$folder" ] || printf 'missing %s\n' "$folder"
          e=$folder; while [ ! -d "$e" ]; do e=$(dirname -- "$e"); done; [ -w "$e" ] || printf 'unwritable %s\n' "$folder"
        done; fi
        printf 'free %s\n' "$(
        """ + HostScripts.FreeKilobytes + """
        )"

        """ + HostScripts.LockState + """

        if [ -f "$history" ]; then INSTALLED=$installed NEWEST=$newest awk '
        """ + HistoryScan + """
        ' "$history"; fi
        """;

    /// <summary>
    /// One pass of awk over the history (the host has no .NET; a history grows by a line a deploy, verify or
    /// rollback, forever): prints <c>history NUMBER LINE</c> for its newest $NEWEST lines and, older than those,
    /// the lines holding the entries <see cref="QtsOps.Core.Deployment.HistoryEntries"/>' questions find, each
    /// once, oldest first: the newest change (deploy, rollback, restore, down), the newest verified release and
    /// the newest verified one of another release (the last verified release except any one), and for each
    /// installed release its newest deploy, successful deploy, successful deploy or rollback and successful
    /// verify. A line counts only when it is a whole JSON object (a torn one is no entry); the fields are found
    /// as the pipeline writes them, with spaces allowed around the colon. So the bytes shipped and parsed stay
    /// bounded however long the history grows, and no decision misses an entry older than the newest lines.
    /// </summary>
    private const string HistoryScan = """
        function field(name,  found) {
          if (!match($0, "\"" name "\"[ \t]*:[ \t]*\"[^\"]*\"")) return ""
          found = substr($0, RSTART, RLENGTH)
          sub(/^[^:]*:[ \t]*"/, "", found)
          return substr(found, 1, length(found) - 1)
        }
        function keep(key) { kept[key] = NR; text[key] = $0 }
        BEGIN {
          newest = ENVIRON["NEWEST"] + 0
          count = split(ENVIRON["INSTALLED"], rows, "\n")
          for (i = 1; i <= count; i++) if (split(rows[i], parts, " ") == 3) installed[parts[3]] = 1
        }
        newest > 0 { tail[NR % newest] = $0 }
        /^[ \t]*\{.*\}[ \t\r]*$/ {
          action = tolower(field("action")); succeeded = (tolower(field("result")) == "succeeded"); release = field("release")
          if (action ~ /^(deploy|rollback|restore|down)$/) keep("change")
          if (action == "verify" && succeeded) {
            if (release != verified && ("verified" in kept)) { kept["verified before"] = kept["verified"]; text["verified before"] = text["verified"] }
            verified = release
            keep("verified")
          }
          if (!(release in installed)) next
          if (action == "deploy") keep("deploy " release)
          if (action == "deploy" && succeeded) keep("deployed " release)
          if (action ~ /^(deploy|rollback)$/ && succeeded) keep("installed " release)
          if (action == "verify" && succeeded) keep("verified " release)
        }
        END {
          first = NR - newest + 1
          lines = 0
          for (key in kept) if (kept[key] < first && !((kept[key]) in older)) { older[kept[key]] = text[key]; numbers[++lines] = kept[key] }
          for (i = 2; i <= lines; i++) for (j = i; j > 1 && numbers[j - 1] > numbers[j]; j--) { swap = numbers[j]; numbers[j] = numbers[j - 1]; numbers[j - 1] = swap }
          for (i = 1; i <= lines; i++) print "history " numbers[i] " " older[numbers[i]]
          for (i = (first < 1 ? 1 : first); i <= NR; i++) print "history " i " " tail[i % newest]
        }
        """;
}
