"""BENCHMARKS.md: each benchmark rewrites only its own section."""

from __future__ import annotations

from benchmarks.httpload import percentile
from benchmarks.report import write_section


def test_sections_are_replaced_in_place_and_others_kept(tmp_path):
    md = tmp_path / "BENCHMARKS.md"
    md.write_text("# Benchmarks\n\n<!-- other:start -->\nkeep me\n<!-- other:end -->\n")
    write_section(md, "service-bench", "first run")
    write_section(md, "service-bench", "second run")
    text = md.read_text()
    assert "keep me" in text and "second run" in text and "first run" not in text
    assert text.count("<!-- service-bench:start -->") == 1
    assert text.index("other:end") < text.index("service-bench:start")


def test_nearest_rank_percentiles():
    xs = [float(i) for i in range(1, 101)]
    assert percentile(xs, 50) == 50 and percentile(xs, 99) == 99 and percentile(xs, 100) == 100
    assert percentile([3.0], 99) == 3.0
