"""Moved to voice.http.connections; this shim goes when every importer is updated."""

from voice.http.connections import GuardedH11Protocol, connection_cap, protocol, uvicorn_options

__all__ = ["GuardedH11Protocol", "connection_cap", "protocol", "uvicorn_options"]
