"""Shared by the intents tests: one Dialogue per test module (it is pure and holds no
conversation; each test starts its own)."""

import pytest

from intents.dialogue import Dialogue


@pytest.fixture(scope="module")
def dialogue():
    return Dialogue()
