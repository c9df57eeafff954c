"""Settings: defaults, then the optional JSON settings file, then environment variables."""

import json
import math
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from . import DEFAULT_VERSION

DEFAULT_PORT = 8000
DEFAULT_BIND = "0.0.0.0"
DEFAULT_INTERVAL_SECONDS = 5.0
DEFAULT_DATA_DIR = "/app/data/observer"
DEFAULT_LOG_DIR = "/app/logs"
DEFAULT_CONFIG_DIR = "/app/config"
CONFIG_FILE_NAME = "observer.json"

# Bounds keep a typo (0.0001, 1e9) from hammering the disk or silencing the service.
MIN_INTERVAL_SECONDS = 0.1
MAX_INTERVAL_SECONDS = 86400.0

FILE_KEYS = ("interval_seconds", "port")


class ConfigError(Exception):
    """Settings that the service cannot run with; the message tells the operator what to fix."""


@dataclass(frozen=True)
class Settings:
    version: str
    bind: str
    port: int
    interval_seconds: float
    data_dir: str
    log_dir: str
    config_file: str
    config_file_loaded: bool


def config_file_path(env: Mapping[str, str]) -> str:
    explicit = env.get("OBSERVER_CONFIG_FILE")
    if explicit:
        return explicit
    return os.path.join(env.get("OBSERVER_CONFIG_DIR") or DEFAULT_CONFIG_DIR, CONFIG_FILE_NAME)


def log_dir_from(env: Mapping[str, str]) -> str:
    return env.get("OBSERVER_LOG_DIR") or DEFAULT_LOG_DIR


def _read_file(path: str) -> Optional[dict]:
    """Returns the file's settings, or None when the optional file is absent."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"settings file {path} must hold a JSON object")
    # Unknown keys are refused so that a misspelt setting is not silently ignored.
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise ConfigError(
            f"settings file {path} has unknown keys {unknown}; allowed: {list(FILE_KEYS)}"
        )
    return data


def _port(value: object, source: str) -> int:
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ConfigError(f"{source} must be an integer 0-65535, got {value!r}") from None
    # bool is an int subclass, but `true` is never a meaningful port.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise ConfigError(f"{source} must be an integer 0-65535, got {value!r}")
    return value


def _interval(value: object, source: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ConfigError(f"{source} must be a number of seconds, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{source} must be a number of seconds, got {value!r}")
    if not MIN_INTERVAL_SECONDS <= value <= MAX_INTERVAL_SECONDS:
        raise ConfigError(
            f"{source} must be between {MIN_INTERVAL_SECONDS} and {MAX_INTERVAL_SECONDS}, got {value!r}"
        )
    return float(value)


def load_settings(env: Mapping[str, str]) -> Settings:
    path = config_file_path(env)
    file_values = _read_file(path)
    loaded = file_values is not None
    file_values = file_values or {}

    port = DEFAULT_PORT
    interval = DEFAULT_INTERVAL_SECONDS
    if "port" in file_values:
        port = _port(file_values["port"], f"{path}: port")
    if "interval_seconds" in file_values:
        interval = _interval(file_values["interval_seconds"], f"{path}: interval_seconds")
    if env.get("OBSERVER_PORT"):
        port = _port(env["OBSERVER_PORT"], "OBSERVER_PORT")
    if env.get("OBSERVER_INTERVAL_SECONDS"):
        interval = _interval(env["OBSERVER_INTERVAL_SECONDS"], "OBSERVER_INTERVAL_SECONDS")

    return Settings(
        version=env.get("QTS_OBSERVER_VERSION") or DEFAULT_VERSION,
        bind=env.get("OBSERVER_BIND") or DEFAULT_BIND,
        port=port,
        interval_seconds=interval,
        data_dir=env.get("OBSERVER_DATA_DIR") or DEFAULT_DATA_DIR,
        log_dir=log_dir_from(env),
        config_file=path,
        config_file_loaded=loaded,
    )
