"""`make bench` runs for minutes before it reaches a module: a broken one fails here first."""

import importlib
import pkgutil

import pytest

import benchmarks

MODULES = [m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name != "__main__"]


@pytest.mark.parametrize("name", MODULES)
def test_every_benchmark_module_imports(name):
    importlib.import_module(f"benchmarks.{name}")
