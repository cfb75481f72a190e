"""The plan replayed without the solver: each employee's skill levels quarter by quarter from the
plan's learning, when each person is ready for each role, each role's effective need quarter
(backfill cascades), the chains of moves the slates set off, and the decisions changed against a
baseline plan. Everything the checks, the objective parts and the analyses read."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Optional

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.plan import CASCADE_COLUMNS
from planner.contract.scenario import Scenario
from planner.problem.scoring import effective_need, need_quarter



def _rows_by_index(frame: pd.DataFrame, *columns: str) -> dict:
    """index value -> tuple of ``columns``' values: one dict lookup per plan row instead of a .loc."""
    return dict(zip(frame.index, zip(*(frame[c] for c in columns))))


@dataclass
class PlanContext:
    """A plan and its inputs, with the replayed skill levels computed once."""

    org: Organisation
    scenario: Scenario
    slates: pd.DataFrame
    learning: pd.DataFrame
    baseline: Optional[dict] = None  # the re-planned plan's decisions (PlanMeta.baseline)
    reported_cascades: Optional[pd.DataFrame] = None  # the backfill chains the plan reports, if it reports any

    @property
    def horizon(self) -> int:
        return self.scenario.horizon_quarters

    @cached_property
    def interventions(self) -> pd.DataFrame:
        return self.org.interventions.set_index("intervention_id")

    @cached_property
    def employees(self) -> pd.DataFrame:
        return self.org.employees.set_index("employee_id")

    @cached_property
    def roles(self) -> pd.DataFrame:
        return self.org.roles.set_index("role_id")

    @cached_property
    def critical_roles(self) -> pd.DataFrame:
        return self.org.roles[self.org.roles["critical"]]

    @cached_property
    def plan_employees(self) -> pd.DataFrame:
        """Employee rows of the plan's people: quality, aspiration fit and flight risk are per employee,
        and the whole organisation's aspiration pairs run to 1.8 million at 50,000 employees."""
        return self.org.employees[self.org.employees["employee_id"].isin(self._plan_people)]

    # Plain dicts of the few columns the rules read, so that a rule looks each plan row up in
    # constant time instead of through .loc (which costs tens of microseconds a row).

    @cached_property
    def catalogue(self) -> dict[str, tuple]:
        """intervention_id -> (duration_quarters, cost, earliest_start_quarter, latest_start_quarter)."""
        return _rows_by_index(self.interventions, "duration_quarters", "cost", "earliest_start_quarter", "latest_start_quarter")

    @cached_property
    def people(self) -> dict[str, tuple]:
        """employee_id -> (role_id, open_to_move)."""
        return _rows_by_index(self.employees, "role_id", "open_to_move")

    @cached_property
    def positions(self) -> dict[str, tuple]:
        """role_id -> (incumbent_id, level, family, critical)."""
        return _rows_by_index(self.roles, "incumbent_id", "level", "family", "critical")

    @cached_property
    def current_levels(self) -> dict[tuple[str, str], int]:
        """(employee, skill) -> current level, for everyone (built on first use; the rules and the
        evaluation only need the plan's people, see :meth:`level`)."""
        s = self.org.employee_skills
        return dict(zip(zip(s["employee_id"], s["skill_id"]), s["level"]))

    @cached_property
    def _plan_people(self) -> set:
        """Employees the plan names (on a slate or in learning)."""
        return set(self.slates["employee_id"]) | set(self.learning["employee_id"])

    @cached_property
    def _plan_levels(self) -> dict[tuple[str, str], int]:
        """:attr:`current_levels` for the plan's people only: a large organisation's skill table
        holds hundreds of thousands of rows, and the checker asks about a few thousand people."""
        s = self.org.employee_skills
        s = s[s["employee_id"].isin(self._plan_people)]
        return dict(zip(zip(s["employee_id"], s["skill_id"]), s["level"]))

    def _current_level(self, employee: str, skill: str) -> int:
        if employee in self._plan_people:
            return self._plan_levels.get((employee, skill), 0)
        return self.current_levels.get((employee, skill), 0)

    @cached_property
    def gains(self) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(employee, skill) -> [(first quarter the new level counts, level)] from the plan's learning."""
        effects = self.org.intervention_effects
        by_intervention = defaultdict(list)
        for i, k, lv in zip(effects["intervention_id"], effects["skill_id"], effects["to_level"]):
            by_intervention[i].append((k, int(lv)))
        out = defaultdict(list)
        for e, i, end in zip(self.learning["employee_id"], self.learning["intervention_id"], self.learning["end_quarter"]):
            for k, lv in by_intervention.get(i, []):
                out[(e, k)].append((int(end) + 1, lv))
        return out

    def level(self, employee: str, skill: str, quarter: int) -> int:
        """Skill level at the start of ``quarter``: current level or any completed intervention's to_level."""
        best = self._current_level(employee, skill)
        for counts_from, lv in self.gains.get((employee, skill), []):
            if counts_from <= quarter:
                best = max(best, lv)
        return best

    @cached_property
    def requirements(self) -> dict[str, list[tuple[str, int]]]:
        req = self.org.role_requirements
        out = defaultdict(list)
        for r, k, lv in zip(req["role_id"], req["skill_id"], req["level"]):
            out[r].append((k, int(lv)))
        return out

    def ready_quarter(self, employee: str, role: str) -> Optional[int]:
        """First quarter 0..T at whose start the employee meets every requirement of the role.

        Levels only rise, so each requirement is met from one quarter on (0 if met now, else the
        earliest quarter a completed intervention reaches it); the role's is the latest of these."""
        ready = 0
        for k, lv in self.requirements.get(role, []):
            if self._current_level(employee, k) >= lv:
                continue
            met = [counts_from for counts_from, to in self.gains.get((employee, k), []) if to >= lv]
            if not met or min(met) > self.horizon:
                return None
            ready = max(ready, min(met))
        return ready

    @cached_property
    def slate_ready_quarters(self) -> list[Optional[int]]:
        """:meth:`ready_quarter` of each slate row, in plan order (None for an unknown person or role)."""
        people, positions = self.people, self.positions
        return [self.ready_quarter(e, r) if e in people and r in positions else None
                for e, r in zip(self.slates["employee_id"], self.slates["role_id"])]

    @cached_property
    def need(self) -> pd.Series:
        """Quarter each critical role needs its successor: its vacancy (or the horizon's end), or earlier
        when its incumbent moves up as another role's first successor (backfill cascades)."""
        critical = self.org.roles[self.org.roles["critical"]]
        own = need_quarter(critical, self.horizon).to_dict()
        held = critical[critical["incumbent_id"].notna()]
        first = self.slates[self.slates["rank"] == 1].sort_values("role_id")
        first_choice = dict(zip(first["employee_id"], first["role_id"]))
        return pd.Series(effective_need(own, dict(zip(held["role_id"], held["incumbent_id"])), first_choice), dtype="int64")


def backfill_chains(ctx: PlanContext) -> pd.DataFrame:
    """The chains of moves one vacancy sets off: role -> first successor -> the critical role they hold,
    which falls vacant when they move -> its first successor -> ... One row per step: chain (the role
    that starts it), step, role_id, need_quarter (effective), successor_id, opens_role_id (the
    critical role the successor leaves, if any). Only chains of two or more roles; a departure of
    the chain's first incumbent puts every role in it at risk."""
    critical = ctx.org.roles[ctx.org.roles["critical"]]
    holds = dict(zip(critical["incumbent_id"], critical["role_id"]))
    first = ctx.slates[ctx.slates["rank"] == 1]
    successor = dict(zip(first["role_id"], first["employee_id"]))
    opened = {holds[e] for e in successor.values() if e in holds}
    need = ctx.need.to_dict()
    rows = []
    for root in sorted(set(successor) - opened):
        role, step, seen = root, 1, set()
        chain = []
        while role in successor and role not in seen:
            seen.add(role)
            e = successor[role]
            chain.append(dict(chain=root, step=step, role_id=role, need_quarter=int(need.get(role, ctx.horizon)),
                              successor_id=e, opens_role_id=holds.get(e)))
            role, step = holds.get(e), step + 1
        if len(chain) > 1:
            rows += chain
    return pd.DataFrame(rows, columns=CASCADE_COLUMNS)


def decision_changes(slates: pd.DataFrame, learning: pd.DataFrame, baseline: dict) -> tuple[int, int]:
    """(slate entries that came in, left or changed rank; interventions added, cancelled or moved) against
    the baseline's decisions."""
    before = {(r, e): int(k) for r, k, e in baseline["slates"]}
    after = {(r, e): int(k) for r, k, e in zip(slates["role_id"], slates["rank"], slates["employee_id"])}
    slate_changes = sum(before.get(entry) != after.get(entry) for entry in set(before) | set(after))
    was = {(e, i): int(t) for e, i, t in baseline["learning"]}
    now = {(e, i): int(t) for e, i, t in zip(learning["employee_id"], learning["intervention_id"], learning["start_quarter"])}
    learning_changes = sum(was.get(d) != now.get(d) for d in set(was) | set(now))
    return slate_changes, learning_changes


def stability_cost(scenario: Scenario, slates: pd.DataFrame, learning: pd.DataFrame, baseline: Optional[dict]) -> float:
    """Re-planning penalty: weights.change_slate per changed slate entry, weights.change_learning per
    changed intervention (see :func:`decision_changes`)."""
    if not baseline:
        return 0.0
    slate_changes, learning_changes = decision_changes(slates, learning, baseline)
    return scenario.weights.change_slate * slate_changes + scenario.weights.change_learning * learning_changes
