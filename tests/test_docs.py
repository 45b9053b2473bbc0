"""The documentation a clone carries: nothing outside the repository, and the clinical
rules list every sign the data has."""

import re
from pathlib import Path

from intents.model import load

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_and_docs_link_nothing_outside_the_repository():
    for path in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![.\w])\.\./", text), f"{path.name} points outside the repository"
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith(("http://", "https://", "mailto:")):
                assert (path.parent / target).exists(), f"{path.name} links to a missing {target}"


def test_the_clinical_rules_list_every_sign_with_its_level():
    rules = (ROOT / "docs" / "clinical-rules.md").read_text(encoding="utf-8")
    model = load()
    for slot in model.slot_ids:
        row = next((line for line in rules.splitlines() if line.startswith(f"| `{slot}` |")), None)
        assert row is not None, f"docs/clinical-rules.md does not list {slot}"
        assert row.rstrip(" |").endswith(model.rules.levels[slot].value), row


def test_the_readme_configuration_table_is_the_settings_one():
    """The table is generated from voice/config/settings.py (`python -m voice.config`): a variable
    added, renamed or re-documented there and not here fails."""
    from voice.config import markdown_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- settings:start -->\n(.*?)<!-- settings:end -->", readme, re.S)
    assert block, "README.md has no generated configuration table (<!-- settings:start/end -->)"
    assert block.group(1) == markdown_table(), (
        "README.md's configuration table differs from voice/config/settings.py: "
        "run `python -m voice.config --write README.md`")
