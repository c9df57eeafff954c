"""Process entry: logging, start-up checks, the HTTP server and the record loop, clean stop."""

import io
import json
import logging
import os
import signal
import socket
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from logging.handlers import RotatingFileHandler
from typing import Callable, Mapping, Tuple
from urllib.parse import urlsplit

from . import config, health
from .recorder import Recorder

log = logging.getLogger("qts_observer")
access_log = logging.getLogger("qts_observer.http")

LOG_FILE_NAME = "observer.log"
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUP_COUNT = 3

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_CONFIG = 2

# A request is read, answered and its connection closed within this time, however slowly the client
# sends: a per-read timeout let a client sending one byte every few seconds hold a thread for ever.
REQUEST_DEADLINE_SECONDS = 5.0
# At most this many connections are served at once (a thread each); further ones wait in the
# listen queue until one ends, which the deadline bounds. Keeps the threads, and the memory, bounded.
MAX_CONNECTIONS = 32
LISTEN_QUEUE = 128


def _formatter() -> logging.Formatter:
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                  datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    return formatter


def _setup_logging(log_dir: str) -> None:
    """Logs to stdout first, so that a log file that cannot be opened is still reported."""
    log.setLevel(logging.INFO)
    log.propagate = False
    stdout = logging.StreamHandler(sys.stdout)
    stdout.setFormatter(_formatter())
    log.addHandler(stdout)
    os.makedirs(log_dir, exist_ok=True)
    file_handler = RotatingFileHandler(os.path.join(log_dir, LOG_FILE_NAME), maxBytes=LOG_MAX_BYTES,
                                       backupCount=LOG_BACKUP_COUNT, encoding="utf-8")
    file_handler.setFormatter(_formatter())
    log.addHandler(file_handler)


class _DeadlineSocketReader(io.RawIOBase):
    """Reads a socket with each read's timeout cut to what is left of the request's deadline."""

    def __init__(self, connection: socket.socket, deadline: float):
        super().__init__()
        self._connection = connection
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request deadline passed")
        self._connection.settimeout(left)
        return self._connection.recv_into(buffer)


class HealthHandler(BaseHTTPRequestHandler):
    server_version = "qts-observer"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        deadline = time.monotonic() + REQUEST_DEADLINE_SECONDS
        self.connection.settimeout(REQUEST_DEADLINE_SECONDS)
        self.rfile = io.BufferedReader(_DeadlineSocketReader(self.connection, deadline))

    def do_GET(self) -> None:
        try:
            path = urlsplit(self.path).path
        except ValueError:
            # The client's mistake, not the service's: answered, and logged below ERROR (verify
            # judges ERROR lines), with the target escaped so that it cannot forge a log line.
            access_log.warning("bad request target from %s: %r", self.address_string(), self.path[:200])
            self._send_json(400, {"status": "bad request"})
            return
        if path != "/health":
            self._send_json(404, {"status": "not found"})
            return
        ok, body = self.server.health()
        self._send_json(200 if ok else 503, body)

    def _send_json(self, code: int, body: dict) -> None:
        payload = json.dumps(body).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:
        # Health probes arrive every few seconds; they belong in debug output, not in the log.
        access_log.debug("%s %s", self.address_string(), format % args)


class ObserverHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_QUEUE

    def __init__(self, address: Tuple[str, int], health_check: Callable[[], Tuple[bool, dict]]):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, HealthHandler)
        self.health = health_check
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address) -> None:
        # Taken in the accept loop: with every slot busy, the next connection is not accepted
        # until one ends, rather than given a thread of its own.
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which stalls start-up without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        # A probe that hangs up early is routine; anything else is a real defect worth a trace.
        if isinstance(sys.exc_info()[1], ConnectionError):
            access_log.debug("client %s hung up early", client_address[0])
        else:
            log.exception("request from %s failed", client_address[0])


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def main(env: Mapping[str, str] = os.environ) -> int:
    started = time.monotonic()
    try:
        _setup_logging(config.log_dir_from(env))
    except OSError as exc:
        log.error("cannot open the log file under %s: %s", config.log_dir_from(env), exc)
        return EXIT_CONFIG

    if env.get("QTS_OBSERVER_STANDALONE") != "1":
        log.error("integrated mode is not supported here; set QTS_OBSERVER_STANDALONE=1 "
                  "(got %r)", env.get("QTS_OBSERVER_STANDALONE"))
        return EXIT_CONFIG
    try:
        settings = config.load_settings(env)
    except config.ConfigError as exc:
        log.error("invalid configuration: %s", exc)
        return EXIT_CONFIG

    log.info("qts-observer %s starting in standalone mode: pid=%d data_dir=%s log_dir=%s "
             "interval=%gs settings=%s (%s)", settings.version, os.getpid(), settings.data_dir,
             settings.log_dir, settings.interval_seconds, settings.config_file,
             "loaded" if settings.config_file_loaded else "absent, defaults used")
    try:
        os.makedirs(settings.data_dir, exist_ok=True)
    except OSError as exc:
        # Keep running: /health then reports 503 with the reason, which is what operators watch.
        log.warning("cannot create data directory %s: %s", settings.data_dir, exc)

    recorder = Recorder(settings.data_dir, settings.interval_seconds, settings.version, started)
    try:
        server = ObserverHTTPServer(
            (settings.bind, settings.port),
            lambda: health.evaluate(recorder, settings.data_dir, settings.interval_seconds,
                                    settings.version, started))
    except OSError as exc:
        log.error("cannot listen on %s: %s", _host_port(settings.bind, settings.port), exc)
        return EXIT_RUNTIME

    stop = threading.Event()
    received = []

    def on_signal(signum, _frame) -> None:
        # Only flag it here; logging from inside a signal handler can interleave with other output.
        received.append(signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    recorder.start()
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    log.info("listening on %s", _host_port(*server.server_address[:2]))

    stop.wait()
    log.info("received %s, stopping", signal.Signals(received[0]).name)
    recorder.stop()
    server.shutdown()
    server.server_close()
    log.info("stopped: records_written=%d", recorder.state().records_written)
    logging.shutdown()
    return EXIT_OK
