"""Health: the service is healthy only when it can really write records and its loop is ticking."""

import os
import time
from typing import Tuple

from .recorder import Recorder

# Headroom over three intervals for a slow fsync or a busy host before the loop counts as stalled.
TICK_SLACK_SECONDS = 2.0


# One fixed, empty file, created once and then only opened for writing: a probe that created and
# deleted a file on every request changed the data directory under every backup (tar: "file changed
# as we read it"), and anyone polling /health could keep it changing. Backups leave out ".health-*".
PROBE_FILE_NAME = ".health-probe"


def data_dir_writable(data_dir: str) -> bool:
    # os.access alone lies for root on a read-only mount; opening a file for writing does not
    # (EROFS), and the access check covers a directory that no longer lets new files in.
    try:
        fd = os.open(os.path.join(data_dir, PROBE_FILE_NAME), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.close(fd)
    except OSError:
        return False
    return os.access(data_dir, os.W_OK | os.X_OK)


def evaluate(recorder: Recorder, data_dir: str, interval_seconds: float, version: str,
             started_monotonic: float) -> Tuple[bool, dict]:
    state = recorder.state()
    writable = data_dir_writable(data_dir)
    reasons = []
    if not writable:
        reasons.append(f"data directory {data_dir} is not writable")
    if not state.running:
        reasons.append("record loop is not running")
    else:
        stale = time.monotonic() - state.last_tick_monotonic
        if stale > 3 * interval_seconds + TICK_SLACK_SECONDS:
            reasons.append(f"record loop has not ticked for {stale:.1f}s")
    if state.last_write_failed:
        reasons.append("the last record could not be written")

    body = {
        "status": "unhealthy" if reasons else "ok",
        "version": version,
        "uptime_seconds": round(time.monotonic() - started_monotonic, 3),
        "data_dir_writable": writable,
        "last_record_at": state.last_record_at,
        "records_written": state.records_written,
    }
    if reasons:
        body["reasons"] = reasons
    return not reasons, body
