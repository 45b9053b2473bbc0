"""Shared fixtures: a private data folder for every test, and one real `backpain serve`."""

from __future__ import annotations

import os

import httpx
import pytest

from benchmarks.server import ServeProcess, clean_env  # tests/ and the repository are on the path: pyproject.toml


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory):
    """No test writes sessions or audit entries into the real per-user data folder."""
    previous = os.environ.get("BACKPAIN_DATA_DIR")
    os.environ["BACKPAIN_DATA_DIR"] = str(tmp_path_factory.mktemp("backpain-data"))
    yield
    if previous is None:
        os.environ.pop("BACKPAIN_DATA_DIR", None)
    else:
        os.environ["BACKPAIN_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live-server")
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp), BACKPAIN_SESSION_STORE="memory")
    with ServeProcess(tmp, env, ["--log-level", "warning"]) as server:
        yield server


@pytest.fixture()
def api(live_server):
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        yield client
