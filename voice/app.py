"""Moved to voice.http.app; this shim goes when every importer is updated."""

from voice.http.app import create_app

__all__ = ["create_app"]
