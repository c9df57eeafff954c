using QtsOps.Core.Deployment;

namespace QtsOps.Build.Deployment;

/// <summary>
/// Every host operation of a deployment, each written once as a POSIX sh script (its arguments are $1...),
/// run by <see cref="ShellDeploymentHost"/> through this machine's sh or over ssh alike. They do the file
/// work only; what to do (which backups to prune, who holds the lock, what the history says) is decided in
/// the core from what they print. Exit 3 means "not there", an answer; other exits are errors, told on stderr.
/// The host needs sh, coreutils, find, awk, tar, gzip and flock (util-linux). Each public script passes shellcheck (HostScriptsLintTests).
/// </summary>
public static class HostScripts
{
    public const string DirectoryExists = """test -d "$1" || exit 3""";

    public const string LinkTarget = """if [ -L "$1" ]; then readlink "$1"; else exit 3; fi""";

    /// <summary>A new link renamed over the old one: atomic, and never through a link to a directory.</summary>
    public const string ReplaceLink = """rm -f -- "$1.next" && ln -s -- "$2" "$1.next" && mv -Tf -- "$1.next" "$1" """;

    /// <summary>
    /// A tar of a directory on standard input, as base64, unpacked into $2 (emptied first), then renamed in place of $1 (removed first)
    /// and its time set to now: one round trip. --no-same-owner: tar run as root would otherwise give the files this machine's uid and gid.
    /// </summary>
    public const string PutDirectory = """
        target=$1; staging=$2
        rm -rf -- "$staging" && mkdir -p -- "$staging" && base64 -d | tar -x -p --no-same-owner -C "$staging" || exit 1
        rm -rf -- "$target" && mv -T -- "$staging" "$target" && touch -- "$target"
        """;

    public const string CopyDirectory = """mkdir -p -- "$2" && cp -a -- "$1/." "$2/" """;

    public const string CreateDirectory = """mkdir -p -- "$1" """;

    public const string DeleteDirectory = """rm -rf -- "$1" """;

    public const string MoveDirectory = """mv -T -- "$1" "$2" """;

    /// <summary>A line per folder: its modification time (seconds since 1970) and its name.</summary>
    public const string Directories = """[ -d "$1" ] || exit 0; find "$1" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\n'""";

    /// <summary>A line per entry, its name only.</summary>
    public const string ListFolder = """[ -d "$1" ] || exit 0; ls -1A -- "$1" """;

    public const string ReadFile = """[ -f "$1" ] || exit 3; cat -- "$1" """;

    /// <summary>The line in one write (O_APPEND: whole beside other appenders), on a line of its own also after a torn last line.</summary>
    public const string AppendLine = """
        mkdir -p -- "$(dirname -- "$1")" || exit 1
        torn=; if [ -s "$1" ] && [ -n "$(tail -c 1 -- "$1")" ]; then torn=1; fi
        { [ -z "$torn" ] || printf '\n'; printf '%s\n' "$2"; } >> "$1"
        """;

    /// <summary>The kilobytes free where the folder $p would be (its nearest existing parent: it may not be made yet).</summary>
    internal const string FreeKilobytes = """while [ ! -d "$p" ]; do p=$(dirname -- "$p"); done; df -Pk -- "$p" | awk 'NR==2 {print $4}'""";

    public const string AvailableKilobytes = "p=$1; " + FreeKilobytes;

    /// <summary>
    /// The deploy lock $lock as <c>lock free|held</c> and <c>owner JSON</c> (<see cref="LockState.Parse"/>); changes nothing.
    /// flock(1) tries it shared without waiting and lets go at once: a holder's exclusive lock refuses it, and
    /// readers (status, every state read, the dashboard) never see each other as a holder. A lock file that exists but cannot be opened is an
    /// error naming it: taken for free, a deploy would then fail to take it, or two runs would not exclude each other.
    /// </summary>
    internal const string LockState = """
        if [ ! -e "$lock" ]; then echo 'lock free'
        else
          tried=0; flock -s -n -E 10 -- "$lock" true 2>/dev/null || tried=$?
          case $tried in
            0) echo 'lock free' ;;
            10) echo 'lock held' ;;
            *) echo "the deploy lock $lock cannot be opened by $(id -un) (flock exit $tried). Fix: give that user read and write access to it (chown or chmod), or remove it when no deploy runs." >&2; exit 6 ;;
          esac
          if [ -s "$lock.owner" ]; then printf 'owner %s\n' "$(cat -- "$lock.owner")"; fi
        fi
        """;

    public const string InspectLock = "lock=$1\n" + LockState;

    /// <summary>
    /// Holds an flock on the lock file for as long as it runs and says "held", or says "busy" and who holds it
    /// (after <see cref="DeploymentLock.ReaderWait"/>: a reader holds it for a moment). Told "release" on its
    /// standard input, it removes its owner file and ends; ended any other way (the run killed, the connection
    /// lost: its input closes) it leaves the owner file that tells the next holder, and the flock ends with it.
    /// </summary>
    public static readonly string TakeLock = $$"""
        lock=$1; owner=$2; named=$1.owner
        mkdir -p -- "$(dirname -- "$lock")" || exit 1
        exec 9>>"$lock" || exit 1
        if ! flock -w {{(int)DeploymentLock.ReaderWait.TotalSeconds}} 9; then echo busy; cat -- "$named" 2>/dev/null; exit 0; fi
        if [ -s "$named" ]; then echo "stale $(cat -- "$named")"; fi
        printf '%s\n' "$owner" > "$named.next" && mv -f -- "$named.next" "$named" || exit 1
        echo held
        read -r word || true
        if [ "$word" = release ]; then rm -f -- "$named"; fi
        """;

    /// <summary>The exit of <see cref="BackUp"/> when a backup (or its .sha256) has that name already: nothing was written.</summary>
    public const int NameTaken = 4;

    /// <summary>
    /// Backs up $1 into $2 as $3: links stored as links, special files left out and named, the health probe left
    /// out, 0600 from creation (umask 077), written as .partial and renamed when whole (partials of killed runs
    /// removed first), then read back: gzip's check, every entry of the list tar was given in the archive, the
    /// SHA-256 recorded beside it. The data is live: a file that grows while tar reads it (records appended) is
    /// archived as long as it was when tar began it, which tar reports as exit 1 ("file changed as we read it");
    /// only 2 and up fail. Last, the folder's entries (<c>listed NAME</c>), for pruning.
    /// </summary>
    public static readonly string BackUp = $$"""
        set -e
        umask 077
        data=$1; backups=$2; name=$3
        mkdir -p -- "$backups"
        archive=$backups/$name
        list=$archive.list
        if [ -e "$archive" ] || [ -e "$archive.sha256" ]; then echo "$archive exists already" >&2; exit {{NameTaken}}; fi
        for partial in "$backups"/data-*.tar.gz.partial "$backups"/data-*.tar.gz.list; do
          if [ -e "$partial" ]; then rm -f -- "$partial"; echo "partial $partial"; fi
        done
        cd "$data"
        find . ! -name '{{DataBackup.ProbeFiles}}' ! -type f ! -type d ! -type l -printf '%y %P\n' | sed -e 's/^p \(.*\)/\1 (Fifo: not data)/' \
          -e 's/^s \(.*\)/\1 (Socket: not data)/' -e 's/^c \(.*\)/\1 (CharacterDevice: not data)/' -e 's/^b \(.*\)/\1 (BlockDevice: not data)/' -e 's/^/skipped /'
        find . ! -name '{{DataBackup.ProbeFiles}}' \( -type f -o -type d -o -type l \) -print0 | LC_ALL=C sort -z > "$list"
        status=0
        tar --null --no-recursion --warning=no-file-changed -T "$list" -czf "$archive.partial" || status=$?
        if [ "$status" -gt 1 ]; then rm -f -- "$list" "$archive.partial"; exit "$status"; fi
        gzip -t "$archive.partial"
        listed=$(tar -tzf "$archive.partial" | wc -l)
        expected=$(tr -cd '\000' < "$list" | wc -c)
        rm -f -- "$list"
        if [ "$listed" -ne "$expected" ]; then rm -f -- "$archive.partial"; echo "the archive lists $listed entries, tar was given $expected" >&2; exit 5; fi
        mv -n -- "$archive.partial" "$archive"
        cd "$backups"
        sha256sum -- "$name" > "$name.sha256"
        echo "files $(tar -tvzf "$name" | grep -c '^-' || true)"
        echo "bytes $(wc -c < "$name")"
        echo "sha256 $(cut -d ' ' -f 1 "$name.sha256")"
        find . -mindepth 1 -maxdepth 1 -printf 'listed %f\n'
        """;

    /// <summary>Removes each archive named and its .sha256.</summary>
    public const string RemoveBackups = """for archive in "$@"; do rm -f -- "$archive" "$archive.sha256"; done""";

    /// <summary>
    /// Checks backup $1 (its SHA-256 against its .sha256 file, its entries: files, folders and links only, none
    /// outside the archive's folder), then unpacks it into $2, a folder that must not exist yet; modes kept, never
    /// setuid or setgid. A refused backup exits 7, says why on its last line of stderr and leaves nothing behind; else says its <c>sha256</c> and <c>files</c>.
    /// GNU tar makes a link that leaves the folder (absolute, or with ..) only after every file, so no file is written through one.
    /// </summary>
    public const string UnpackBackup = """
        archive=$1; into=$2; sums=$1.sha256
        refuse() { echo "Backup $archive $1" >&2; exit 7; }
        [ -f "$archive" ] || refuse "does not exist."
        [ -f "$sums" ] || refuse "has no ${sums##*/}."
        recorded=$(cut -d ' ' -f 1 -- "$sums")
        actual=$(sha256sum < "$archive" | cut -d ' ' -f 1) || exit 1
        [ "$recorded" = "$actual" ] || refuse "is damaged: SHA-256 $actual, but ${sums##*/} says $recorded."
        if [ -e "$into" ] || [ -L "$into" ]; then echo "$into exists already: a backup is only unpacked into a new directory." >&2; exit 7; fi
        listing=$(tar -tvzf "$archive") || refuse "cannot be read (tar -t failed)."
        kind=$(printf '%s\n' "$listing" | grep -v '^[-dl]' | head -n 1 || true)
        [ -z "$kind" ] || refuse "holds an entry of a kind no backup writes ($kind): not restored."
        outside=$(tar -tzf "$archive" | grep -E '^/|(^|/)\.\.(/|$)' | head -n 1 || true)
        [ -z "$outside" ] || refuse "holds $outside, which points outside the data directory: not restored."
        mkdir -- "$into" || exit 1
        if ! failed=$(tar -x -z -p --no-same-owner -f "$archive" -C "$into" 2>&1); then
          rm -rf -- "$into"
          refuse "could not be unpacked ($(printf '%s\n' "$failed" | head -n 1): an entry written through a link, or a full disk); nothing of it was kept."
        fi
        chmod -R u-s,g-s -- "$into"
        echo "sha256 $actual"
        echo "files $(find "$into" -type f | wc -l)"
        """;

    /// <summary>Moves the data $1 aside to $3 (when there is any) and the unpacked $2 in its place; put back when that fails. Says <c>aside PATH</c>.</summary>
    public const string SwitchData = """
        data=$1; unpacked=$2; aside=$3
        if [ -e "$data" ] || [ -L "$data" ]; then
          [ ! -e "$aside" ] || { echo "$aside exists already" >&2; exit 1; }
          mv -T -- "$data" "$aside" || exit 1
          moved=1
        fi
        if ! mv -T -- "$unpacked" "$data"; then
          if [ -n "${moved:-}" ]; then mv -T -- "$aside" "$data"; fi
          exit 1
        fi
        if [ -n "${moved:-}" ]; then echo "aside $aside"; fi
        """;
}
