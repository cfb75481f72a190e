"""Behaviour capture: solve every shipped scenario and write what a refactor must not change, so two
trees can be compared file by file.

    python bench/behaviour.py capture OUT        # from the tree to capture (run it in each checkout)
    python bench/behaviour.py compare OLD NEW    # exit 1 if any file differs

Per scenario: ``<name>.slates.csv``, ``<name>.learning.csv`` and ``<name>.kpis.json`` (every KPI
except timings). The default solver settings are deterministic, so the same tree gives the same
files; fields a newer tree adds to kpis.json are listed, not counted as differences.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TIMINGS = ("solve_seconds", "wall_seconds", "build_seconds")


def capture(out: Path) -> None:
    import planner

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(Path("scenarios").glob("*.yaml")):
        org, scenario = planner.load(path)
        plan = planner.solve(scenario, org, scenario_file=str(path))
        plan.slates_df().to_csv(out / f"{path.stem}.slates.csv", index=False)
        plan.learning_df().to_csv(out / f"{path.stem}.learning.csv", index=False)
        kpis = {k: v for k, v in plan.kpis.model_dump().items() if k not in TIMINGS}
        (out / f"{path.stem}.kpis.json").write_text(json.dumps(kpis, indent=1, sort_keys=True, default=str))
        print(f"{path.stem}: {plan.kpis.status}, objective {plan.kpis.objective:,.2f}", flush=True)


def compare(old: Path, new: Path) -> int:
    differ = 0
    for a in sorted(old.iterdir()):
        b = new / a.name
        if not b.exists():
            print(f"{a.name}: missing in {new}")
            differ += 1
        elif a.suffix == ".json":
            before, after = json.loads(a.read_text()), json.loads(b.read_text())
            changed = sorted(k for k in before if before[k] != after.get(k))
            added = sorted(set(after) - set(before))
            if changed:
                print(f"{a.name}: {', '.join(f'{k} {before[k]!r} -> {after.get(k)!r}' for k in changed)}")
                differ += 1
            print(f"{a.name}: same" + (f" (new fields: {', '.join(added)})" if added else ""))
        elif a.read_bytes() != b.read_bytes():
            print(f"{a.name}: differs")
            differ += 1
        else:
            print(f"{a.name}: byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "capture":
        capture(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    else:
        sys.exit(__doc__)
