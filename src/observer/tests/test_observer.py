"""Runs the observer as a real process, the way the container and the pipeline's tests do.

    PYTHONPATH=src/observer/src python3 -m unittest discover -s src/observer/tests
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


class ObserverProcess:
    def __init__(self, root: Path, **env: str):
        self.root = root
        self.data_dir = root / "data"
        self.log_dir = root / "logs"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "QTS_OBSERVER_STANDALONE": "1",
            "QTS_OBSERVER_VERSION": "1.2.3-test",
            "OBSERVER_DATA_DIR": str(self.data_dir),
            "OBSERVER_LOG_DIR": str(self.log_dir),
            "OBSERVER_CONFIG_DIR": str(root / "config"),
            "OBSERVER_BIND": "127.0.0.1",
            "OBSERVER_PORT": "0",
            "OBSERVER_INTERVAL_SECONDS": "0.2",
            **env,
        }
        self.proc = None
        self.port = None

    def run(self, timeout: float = 10) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qts_observer"], env=self.env, text=True,
                              capture_output=True, timeout=timeout)

    def start(self) -> "ObserverProcess":
        self.proc = subprocess.Popen([sys.executable, "-m", "qts_observer"], env=self.env,
                                     text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for line in self.proc.stdout:
            match = re.search(r"listening on \S+:(\d+)$", line.strip())
            if match:
                self.port = int(match.group(1))
                return self
        raise AssertionError(f"no 'listening on' line; stderr: {self.proc.stderr.read()}")

    def get(self, path: str):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=3) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        rest, _ = self.proc.communicate(timeout=10)
        self.rest_of_stdout = rest
        return self.proc.returncode

    def record_lines(self):
        return [json.loads(line) for f in sorted(self.data_dir.glob("observations-*.jsonl"))
                for line in f.read_text().splitlines()]


class ObserverTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def wait_for_records(self, obs: ObserverProcess, count: int):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, body = obs.get("/health")
            if body["records_written"] >= count:
                return status, body
            time.sleep(0.1)
        self.fail("records did not appear")

    def test_healthy_records_and_clean_stop(self):
        obs = ObserverProcess(self.root).start()
        status, body = self.wait_for_records(obs, 3)
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["version"], "1.2.3-test")
        self.assertTrue(body["data_dir_writable"])
        self.assertEqual(obs.get("/nope")[0], 404)

        self.assertEqual(obs.stop(), 0)
        written = int(re.search(r"stopped: records_written=(\d+)", obs.rest_of_stdout).group(1))
        records = obs.record_lines()
        self.assertEqual(len(records), written)
        self.assertEqual([r["seq"] for r in records], list(range(1, written + 1)))
        self.assertEqual(set(records[0]), {"ts", "seq", "host", "pid", "uptime_seconds", "load",
                                           "disk_free_bytes", "version"})
        log_text = (obs.log_dir / "observer.log").read_text()
        self.assertIn("listening on", log_text)
        self.assertNotRegex(log_text.lower(), r"error|traceback")

    def test_unwritable_data_dir_is_unhealthy(self):
        blocker = self.root / "a-file"
        blocker.write_text("")
        obs = ObserverProcess(self.root, OBSERVER_DATA_DIR=str(blocker / "data")).start()
        status, body = obs.get("/health")
        self.assertEqual(status, 503)
        self.assertEqual(body["status"], "unhealthy")
        self.assertFalse(body["data_dir_writable"])
        self.assertTrue(body["reasons"])
        self.assertEqual(obs.stop(), 0)

    def test_settings_file_is_read_and_environment_wins(self):
        (self.root / "config").mkdir()
        (self.root / "config" / "observer.json").write_text('{"interval_seconds": 60, "port": 1}')
        obs = ObserverProcess(self.root, OBSERVER_INTERVAL_SECONDS="").start()
        self.assertNotEqual(obs.port, 1)
        time.sleep(0.5)
        self.assertEqual(obs.get("/health")[1]["records_written"], 1)
        self.assertEqual(obs.stop(), 0)

    def test_start_up_refusals(self):
        cases = [
            ({"OBSERVER_FAIL_ON_START": "1"}, 3, "ERROR: failing on start as requested"),
            ({"QTS_OBSERVER_STANDALONE": "0"}, 2, "integrated mode is not supported"),
            ({"OBSERVER_PORT": "http"}, 2, "OBSERVER_PORT must be an integer"),
            ({"OBSERVER_INTERVAL_SECONDS": "-1"}, 2, "OBSERVER_INTERVAL_SECONDS must be between"),
        ]
        for env, code, message in cases:
            with self.subTest(env=env):
                result = ObserverProcess(self.root, **env).run()
                self.assertEqual(result.returncode, code)
                self.assertIn(message, result.stdout)

    def test_invalid_settings_file(self):
        (self.root / "config").mkdir()
        (self.root / "config" / "observer.json").write_text('{"interval": 5}')
        result = ObserverProcess(self.root).run()
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown keys ['interval']", result.stdout)


if __name__ == "__main__":
    unittest.main()
