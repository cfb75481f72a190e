"""Smoke check of the benchmark: ``bench/run.py --sizes S`` runs and writes a sensible table.

Bench runs are not tests, so nothing here asserts a time; only that the table is written, has the S
row with numbers in it, and that the optimiser's plan is never worse than the greedy baseline's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _number(cell: str) -> float:
    return float(cell.replace(",", "").replace("%", "").split()[0])


def _table(text: str, column: str = "Status") -> dict[str, dict[str, str]]:
    """Rows of the first Markdown table that has ``column`` (the per-run table; the summary per size
    comes first), by their first cell, as {column: cell}."""
    rows, header = {}, None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            if rows:
                break
            header = None
        elif header is None:
            header = cells if column in cells else []
        elif header and not set(cells[0]) <= set("-"):
            rows[cells[0]] = dict(zip(header, cells))
    return rows


def test_bench_size_s(tmp_path):
    # A 10 s search limit, not S's 2 s target: on a busy CI machine 2 s may not get past presolve.
    out = tmp_path / "bench.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "S", "--time-limit", "10", "--timeout", "50",
         "--out", str(out), "--workdir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=58,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert out.exists()
    rows = _table(out.read_text())
    assert "S" in rows, out.read_text()
    s = rows["S"]
    assert s["Status"] in ("OPTIMAL", "FEASIBLE"), s["Status"]
    objective, bound, greedy = _number(s["Money cost"]), _number(s["Valid money bound"]), _number(s["Greedy money cost"])
    assert "invalid" not in s["Valid money bound"]
    assert bound <= objective + 0.01
    assert objective <= greedy + 0.01  # the optimiser must never be worse than the greedy baseline
    assert s["Check"] == "ok"
    assert s["Met?"].split()[0] in ("yes", "no")  # computed, whatever the machine's speed
