"""
The record loop: one JSON line per interval, appended and fsynced before it is counted.

Two releases share the data directory while one takes over from the other: each line is one
O_APPEND write, so their records never interleave, and each says which release and instance wrote it.
"""

import json
import logging
import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

log = logging.getLogger("qts_observer.recorder")


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RecorderState:
    records_written: int
    last_record_at: Optional[str]
    last_tick_monotonic: float
    last_write_failed: bool
    running: bool


class Recorder:
    def __init__(self, data_dir: str, interval_seconds: float, version: str, started_monotonic: float):
        self._data_dir = data_dir
        self._interval = interval_seconds
        self._version = version
        self._started = started_monotonic
        self._host = socket.gethostname()
        # The release as the pipeline installs it (the version as a Docker tag), and this process.
        self._release = version.replace("+", "_")
        self._instance = os.urandom(6).hex()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._seq = 0
        self._last_record_at: Optional[str] = None
        self._last_tick = started_monotonic
        self._last_write_failed = False
        # After a failed write the file may end in a torn line; the next write must not extend it.
        self._check_tail = False

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Lets an in-flight record finish, then returns once the loop has ended."""
        self._stop.set()
        self._thread.join()

    def state(self) -> RecorderState:
        with self._lock:
            return RecorderState(
                records_written=self._seq,
                last_record_at=self._last_record_at,
                last_tick_monotonic=self._last_tick,
                last_write_failed=self._last_write_failed,
                running=self._thread.is_alive(),
            )

    def _run(self) -> None:
        due = time.monotonic()
        try:
            while not self._stop.is_set():
                self._record_once()
                # A fixed cadence, but a slow write never causes a burst of catch-up records.
                due = max(due + self._interval, time.monotonic())
                self._stop.wait(due - time.monotonic())
        except Exception:
            # The loop ends; /health turns 503 because the thread is no longer alive.
            log.exception("record loop stopped unexpectedly")

    def _record_once(self) -> None:
        now = datetime.now(timezone.utc)
        record = {
            "ts": rfc3339(now),
            "seq": self._seq + 1,
            "host": self._host,
            "pid": os.getpid(),
            "uptime_seconds": round(time.monotonic() - self._started, 3),
            "load": list(os.getloadavg()),
            "disk_free_bytes": None,
            "version": self._version,
            "release": self._release,
            "instance": self._instance,
        }
        path = os.path.join(self._data_dir, f"observations-{now:%Y%m%d}.jsonl")
        try:
            record["disk_free_bytes"] = shutil.disk_usage(self._data_dir).free
            self._append(path, json.dumps(record, separators=(",", ":")) + "\n")
        except OSError as exc:
            # Only the change of state is logged, so a lost volume does not flood the log.
            if not self._last_write_failed:
                log.warning("record %d not written to %s: %s", record["seq"], path, exc)
            with self._lock:
                self._last_write_failed = True
                self._last_tick = time.monotonic()
            self._check_tail = True
            return
        if self._last_write_failed:
            log.info("records are written again to %s", path)
        with self._lock:
            self._seq = record["seq"]
            self._last_record_at = record["ts"]
            self._last_write_failed = False
            self._last_tick = time.monotonic()

    def _append(self, path: str, line: str) -> None:
        # Reopened per record: a vanished data directory then fails loudly instead of the
        # records going to an unlinked file. O_APPEND never rewrites what is there, and the
        # line goes in one write, which another writer's line cannot split.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            if self._check_tail and os.fstat(fd).st_size > 0 and not _ends_with_newline(path):
                line = "\n" + line
            data = line.encode("utf-8")
            if os.write(fd, data) != len(data):
                raise OSError(f"short write to {path}: the disk may be full")
            os.fsync(fd)
        finally:
            os.close(fd)
        self._check_tail = False


def _ends_with_newline(path: str) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
