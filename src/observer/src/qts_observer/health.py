"""Health: the service is healthy only when it can really write records and its loop is ticking."""

import os
import tempfile
import time
from typing import Tuple

from .recorder import Recorder

# Headroom over three intervals for a slow fsync or a busy host before the loop counts as stalled.
TICK_SLACK_SECONDS = 2.0


def data_dir_writable(data_dir: str) -> bool:
    # os.access lies for root and for read-only mounts; creating and deleting a file does not.
    try:
        fd, path = tempfile.mkstemp(prefix=".health-", dir=data_dir)
        os.close(fd)
        os.unlink(path)
        return True
    except OSError:
        return False


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
