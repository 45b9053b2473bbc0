"""The shape of the code, checked on the tree: what a newcomer is promised in the README.

- `models` <- `intents` <- `voice`, one way, and no import cycle between modules;
- the environment is read in one module (voice/config/settings.py);
- no source module over 300 lines;
- no red-flag slot id spelled in Python under models/, intents/ or voice/ (they are data).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from intents.model import load

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "intents", "voice")
LAYER = {"models": 0, "intents": 1, "voice": 2}
MAX_LINES = 300
ENVIRONMENT_READER = "voice/config/settings.py"


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports, at any depth of its code (a function-level import
    is still a dependency; hiding a cycle inside a function does not remove it)."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _is_package_of(a: str, b: str) -> bool:
    return b.startswith(a + ".")


def test_layers_depend_one_way():
    wrong = [f"{a} imports {b}" for a, deps in GRAPH.items() for b in deps
             if LAYER[b.split(".")[0]] > LAYER[a.split(".")[0]]]
    assert not wrong, "models <- intents <- voice only:\n" + "\n".join(wrong)


def test_no_import_cycle():
    # a package's __init__ re-exporting its own modules is not a cycle with them
    edges = {a: {b for b in deps if not _is_package_of(a, b) and not _is_package_of(b, a)}
             for a, deps in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[str] = []

    def visit(node: str):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def _reads_environment(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "putenv"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                a.name in ("environ", "getenv") for a in node.names):
            lines.append(node.lineno)
    return lines


def test_the_environment_is_read_in_one_module():
    readers = {str(p.relative_to(ROOT)): lines for p in MODULES.values() if (lines := _reads_environment(p))}
    assert set(readers) <= {ENVIRONMENT_READER}, f"os.environ outside {ENVIRONMENT_READER}: {readers}"


@pytest.mark.parametrize("folder", PACKAGES + ("benchmarks", "scripts"))
def test_no_source_module_over_300_lines(folder):
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / folder).rglob("*.py"))
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these along their seams (at most {MAX_LINES} lines): {long}"


def _string_tokens(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, (ast.Name, ast.Attribute, ast.FunctionDef, ast.ClassDef, ast.arg, ast.keyword)):
            name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", None) \
                or getattr(node, "arg", None)
            if name:
                yield getattr(node, "lineno", 0), name


def test_no_slot_id_is_spelled_in_python():
    """A sign is added by a data edit: no code path names one. Words of prose in a string
    ("trouble breathing") are not the id `breathing`; an id with an underscore is matched
    anywhere, a one-word id only as a whole string or name."""
    ids = set(load("en-US").slot_ids)
    spelled = []
    for name, path in MODULES.items():
        for line, text in _string_tokens(ast.parse(path.read_text(), str(path))):
            lowered = text.lower()
            hit = [i for i in ids if (("_" in i and i in lowered) or lowered == i)]
            spelled += [f"{path.relative_to(ROOT)}:{line}: {h}" for h in hit]
    assert not spelled, "slot ids belong in intents/data/:\n" + "\n".join(sorted(spelled))


def test_the_checks_see_the_code():
    """Guards the checks above against passing on an empty or misread tree."""
    assert {"models", "intents.model", "voice.config"} <= set(MODULES)
    assert "models" in GRAPH["intents.model"] or any(d.startswith("models") for d in GRAPH["intents.model"])
    assert _reads_environment(ROOT / ENVIRONMENT_READER)
