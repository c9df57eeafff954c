"""QTS Observer: a small standalone service that records observation snapshots as JSON lines."""

DEFAULT_VERSION = "0.0.0-dev"
