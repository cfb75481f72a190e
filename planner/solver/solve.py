"""Solve a scenario with CP-SAT and turn the solution into a checked :class:`~planner.contract.plan.Plan`."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from planner.evaluation.replay import decision_changes
from planner.evaluation.parts import MONEY_PARTS, money_of
from planner.evaluation.report import check_plan, evaluate
from planner.contract.domain import Organisation
from planner.inputs.files import input_fingerprint
from planner.heuristics.bound import group_shortlist, lp_bound, money_bound, price_pool, shortlist
from planner.solver.build import build_model
from planner.problem.candidates import candidate_table
from planner.problem.fairness import group_mask
from planner.problem.instance import build_problem
from planner.solver.warmstart import baseline_start, cover_more
from planner.contract.plan import LEARNING_COLUMNS, CascadeStep, Kpis, LearningAssignment, Plan, PlanMeta, SlateEntry
from planner.contract.scenario import Scenario
from planner.problem.scoring import OBJECTIVE_SCALE, effective_need, has_tie_breaks, money_only
from planner.version import __version__
from planner.solver.conflicts import conflict_core, explain_conflict, why_unbuildable
from planner.solver.search import ProgressFn, Watcher, relative_gap, solver_parameters


def _target_roles(problem, slates: list[tuple[str, str, int]], starts: list[tuple[str, str, int]]) -> dict[tuple[str, str], str]:
    """For each (employee, intervention) taken, the slate role it prepares for: the best-ranked of the
    employee's slates whose unmet requirements (or their prerequisites) the intervention serves."""
    ranked = sorted(slates, key=lambda s: (s[2], s[1]))  # rank first
    out = {}
    for e, i, _ in starts:
        skills = {k for k, _, _ in problem.interventions[i].effects}
        mine = [(r, k) for (ee, r, k) in ranked if ee == e]
        serving = [r for r, _ in mine if any(s in skills for s, _ in problem.unmet[(e, r)])]
        out[(e, i)] = serving[0] if serving else (mine[0][0] if mine else None)
    return out


def _decisions_plan(org, scenario, problem, slates, starts, meta, base, kpi_extra: dict) -> Plan:
    """A plan from chosen decisions, its readiness and KPIs recomputed by the checker; ``best_bound``
    in ``kpi_extra`` is a money bound, and the gap is the money gap."""
    targets = _target_roles(problem, slates, starts)
    department = org.employees.set_index("employee_id")["department"]
    label = scenario.quarter_label
    duration = {i: int(d) for i, d in zip(org.interventions["intervention_id"], org.interventions["duration_quarters"])}
    cost = {i: float(c) for i, c in zip(org.interventions["intervention_id"], org.interventions["cost"])}
    rows = [
        dict(employee_id=e, intervention_id=i, start_quarter=t, end_quarter=t + duration[i] - 1, cost=cost[i],
             target_role_id=targets[(e, i)], department=department[e], start_label=label(t),
             end_label=label(t + duration[i] - 1))
        for e, i, t in sorted(starts, key=lambda s: (s[0], s[2], s[1]))
    ]
    learning = pd.DataFrame(rows, columns=LEARNING_COLUMNS)
    slate_df = pd.DataFrame(
        [dict(role_id=r, rank=k, employee_id=e) for e, r, k in sorted(slates, key=lambda s: (s[1], s[2]))],
        columns=["role_id", "rank", "employee_id"],
    )
    ev = evaluate(org, scenario, slate_df, learning, base)
    bound = kpi_extra.pop("best_bound", None)
    money = money_of(ev.objective_parts)
    kpis = Kpis(
        **ev.kpis,
        objective=round(ev.objective, 2),
        money_cost=round(money, 2),
        best_bound=None if bound is None else round(bound, 2),
        gap=relative_gap(money, bound),
        objective_parts={k: round(v, 2) for k, v in ev.objective_parts.items()},
        decisions_changed=sum(decision_changes(slate_df, learning, base)) if base else None,
        **kpi_extra,
    )
    return Plan(
        meta=meta,
        kpis=kpis,
        slates=[SlateEntry(role_id=s.role_id, rank=int(s.rank), employee_id=s.employee_id,
                           ready_quarter=None if pd.isna(s.ready_quarter) else int(s.ready_quarter), readiness=s.readiness,
                           ready_label=None if pd.isna(s.ready_quarter) else label(int(s.ready_quarter)))
                for s in ev.slates.itertuples(index=False)],
        learning=[LearningAssignment(**r) for r in rows],
        cascades=[CascadeStep(**{k: (None if pd.isna(v) else v) for k, v in c.items()}) for c in ev.cascades.to_dict("records")],
    )


def solver_parts(solver: cp_model.CpSolver, built) -> dict[str, float]:
    """CP-SAT's own value of each objective part in its solution (money units), for the checker to
    compare with its recomputation from the plan."""
    return {key: round((part if isinstance(part, int) else solver.value(part)) / OBJECTIVE_SCALE, 2)
            for key, part in built.objective_parts.items()}


def _restricted_problem(org: Organisation, scenario: Scenario, table, baseline):
    """The large-instance method's problem: each role's shortlist (planner.heuristics.bound.shortlist), the
    readiness-ranking baseline's slates (ranked from the whole table, so it is the same baseline as
    the exact method's), eligible pins, the re-planned baseline's slates and, with policy.fairness, each
    role's best candidates of the fairness group (planner.heuristics.bound.group_shortlist). Returns it
    with the baseline's slates; its pairs carry their ``dev_cost`` bound.

    Pins, locks and their prerequisites are all in it, and any other decision can be left out, so
    when it is infeasible (conflicting overrides) the full problem is too."""
    from planner.heuristics.ranking import greedy_slates, ranked_from_table

    R = len(table.role_ids)
    codes = table.employee.astype(np.int64) * R + table.role  # ascending: the table is employee-major

    def rows_of(pairs: list[tuple[str, str]]) -> np.ndarray:
        """Table rows of the given (employee_id, role_id) pairs that are eligible."""
        if not pairs:
            return np.array([], dtype=np.int64)
        e = table.employee_ids.get_indexer([p[0] for p in pairs]).astype(np.int64)
        r = table.role_ids.get_indexer([p[1] for p in pairs]).astype(np.int64)
        wanted = (e * R + r)[(e >= 0) & (r >= 0)]
        at = np.searchsorted(codes, wanted)
        inside = at < len(codes)
        at, wanted = at[inside], wanted[inside]
        return at[codes[at] == wanted]

    def eligible(e: str, r: str) -> bool:
        return len(rows_of([(e, r)])) == 1

    vetoed = {(v.employee_id, v.role_id) for v in scenario.vetoes}
    need = dict(zip(table.role_ids, table.need.tolist()))
    slates = greedy_slates(org, scenario, need, ranked_from_table(table, vetoed), eligible)
    wanted = [(e, r) for e, r, _ in slates] + [(p.employee_id, p.role_id) for p in scenario.pins]
    wanted += [(s.employee_id, s.role_id) for s in baseline.slates] if baseline is not None else []
    pool = price_pool(table, scenario, pool_size=_pool_size(scenario))
    rows = np.union1d(shortlist(table, pool, scenario.solver.shortlist_per_rank, scenario.weights.training_spend), rows_of(wanted))
    if scenario.policy.fairness is not None:  # every slate's fairness target stays within reach
        per_role = scenario.policy.bench_depth * scenario.solver.shortlist_per_rank + len(scenario.vetoes)
        rows = np.union1d(rows, group_shortlist(table, group_mask(org, scenario), per_role))
    problem = build_problem(org, scenario, baseline, pairs=table.frame(rows))
    problem.pairs["dev_cost"] = table.dev_cost[rows]  # the same order: build_problem keeps the given pairs'
    return problem, slates


def _pool_size(scenario: Scenario) -> int:
    """Pairs per role the relaxation and the shortlist price one by one (planner.heuristics.bound.price_pool)."""
    return max(12, scenario.solver.shortlist_per_rank)


PhaseFn = Callable[[str, float], None]


def plan_meta(org: Organisation, scenario: Scenario, method: str, scenario_file: Optional[str] = None,
              baseline: Optional[Plan] = None, baseline_name: Optional[str] = None) -> PlanMeta:
    """What a plan records of how it was made: inputs, settings, the baseline it re-plans."""
    base = None
    if baseline is not None:
        base = dict(name=baseline_name or baseline.meta.scenario,
                    slates=[[s.role_id, s.rank, s.employee_id] for s in baseline.slates],
                    learning=[[a.employee_id, a.intervention_id, a.start_quarter] for a in baseline.learning])
    return PlanMeta(
        scenario=scenario.name,
        scenario_file=scenario_file,
        dataset=org.source,
        input_fingerprint=input_fingerprint(org, scenario),
        start=scenario.start,
        horizon_quarters=scenario.horizon_quarters,
        budget_total=scenario.budget.total,
        method=method,
        solver=scenario.solver.model_dump(),
        seed=scenario.solver.random_seed,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        planner_version=__version__,
        scenario_settings=scenario.model_dump(),
        baseline=base,
    )


@dataclass
class _Start:
    """The plan the search starts from (and falls back to): its decisions, the plan and its name."""

    slates: list
    starts: list
    plan: Plan
    name: str


# Deterministic mode spends at most this share of the time limit in CP-SAT's deterministic time, so that
# the wall clock, which also bounds it, stops the search first only on a machine about 2x slower or
# busier. Measured on the 2-core machine (2026-12-03, sample, 1 to 8 interleaved workers): one
# deterministic second took 2.1 to 2.4 wall-clock seconds, so 0.2 of the limit is about half of it (0.3, two
# thirds, still let a six-point sweep on two processes run into the wall clock under load).
DETERMINISTIC_SHARE = 0.2


@dataclass
class _Answer:
    """What the search returns: the first phase's status (about money), the solver whose solution is
    the plan (the second phase's when it found one), the money bound, and how the phases ended."""

    code: int
    solver: cp_model.CpSolver
    money_bound: Optional[float]
    tie_break_status: str
    wall_limited: bool


class _Solve:
    """One call of :func:`solve`: what its phases share, and the phases themselves."""

    def __init__(self, org: Organisation, scenario: Scenario, on_phase: Optional[PhaseFn], deadline: Optional[float]):
        self.org, self.scenario, self.on_phase = org, scenario, on_phase
        self.started = time.monotonic()
        self.deadline = deadline if deadline is not None else self.started + scenario.solver.time_limit_seconds
        self.reserve = 0.2  # seconds kept back for building the plan from the search's answer
        self.problem = None
        self.large = False
        self.meta: Optional[PlanMeta] = None
        self.hint: Optional[_Start] = None  # what the search is hinted with, when not the start plan

    @contextmanager
    def phase(self, name: str):
        """Time a phase for ``on_phase`` (benchmarks and logs read it)."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            if self.on_phase is not None:
                self.on_phase(name, time.perf_counter() - t0)

    def remaining(self) -> float:
        """Seconds the search may still take: to the deadline, less what building the plan will need."""
        return self.deadline - time.monotonic() - self.reserve

    @property
    def bound_kind(self) -> str:
        return "lp-relaxation" if self.large else "cp-sat"

    def prepare(self, baseline: Optional[Plan]):
        """The candidate table and the problem: every eligible pair, or for a large organisation the
        restricted problem (shortlists, the baseline's slates, pins). Returns the table and the
        ranking's slates (large only)."""
        table = candidate_table(self.org, self.scenario)
        self.large = len(table) > self.scenario.solver.exact_pairs_limit
        if self.large:
            self.problem, slates = _restricted_problem(self.org, self.scenario, table, baseline)
        else:
            self.problem, slates = build_problem(self.org, self.scenario, baseline), None
        return table, slates

    def no_plan(self, status: str, reason: str) -> Plan:
        empty = evaluate(self.org, self.scenario, pd.DataFrame(columns=["role_id", "rank", "employee_id"]),
                         pd.DataFrame(columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost"]))
        kpis = Kpis(**{k: v for k, v in empty.kpis.items() if k in Kpis.model_fields}, status=status,
                    solve_seconds=round(time.monotonic() - self.started, 3))
        return Plan(meta=self.meta.model_copy(update={"message": reason}), kpis=kpis)

    def decided(self, slates, starts, status: str, bound: Optional[float] = None, message: str = "",
                solver_objective_parts: Optional[dict] = None, tie_break_status: Optional[str] = None) -> Plan:
        extra = dict(status=status, solve_seconds=round(time.monotonic() - self.started, 3), tie_break_status=tie_break_status)
        if bound is not None:
            extra.update(best_bound=bound, bound_kind=self.bound_kind)
        if solver_objective_parts is not None:
            extra.update(solver_objective_parts=solver_objective_parts)
        plan = _decisions_plan(self.org, self.scenario, self.problem, slates, starts, self.meta, self.meta.baseline, extra)
        return plan.model_copy(update={"meta": self.meta.model_copy(update={"message": message})}) if message else plan

    def start_plan(self, ranking: tuple[list, list], table) -> tuple[_Start, Optional[float]]:
        """The search's start: the readiness ranking, or on a large organisation the ranking with more
        roles covered (planner.solver.warmstart, within the first 30% of the time limit) when that is
        cheaper; with the money bound of the relaxations over every pair there (CP-SAT's own covers
        only the shortlist): planner.heuristics.bound's lp_bound, and money_bound with seats. When
        re-planning, the baseline plan's decisions that still hold (planner.solver.warmstart.baseline_start)
        are the search's hint, and its start when they pass the checker and cost less."""
        slates, starts = ranking
        t0 = time.monotonic()
        start = _Start(slates, starts, self.decided(slates, starts, "FEASIBLE"), "the readiness-ranking baseline")
        self.reserve = 0.2 + 2.0 * (time.monotonic() - t0)  # the answer's plan and, at worst, a check of the start's
        kept = baseline_start(self.problem, self.scenario)
        if kept is not None:
            self.hint = _Start(*kept, self.decided(*kept, "FEASIBLE"), "the baseline plan, adapted to the changes")
            if _cheaper(self.hint.plan, start.plan) and check_plan(self.org, self.scenario, self.hint.plan).ok:
                start = self.hint
        if not self.large:
            return start, None
        cover_until = self.started + 0.3 * (self.deadline - self.started)
        slates2, starts2 = cover_more(self.org, self.scenario, self.problem, slates, starts, deadline=cover_until)
        better = self.decided(slates2, starts2, "FEASIBLE")
        if _cheaper(better, start.plan) and check_plan(self.org, self.scenario, better).ok:
            start = _Start(slates2, starts2, better, "the baseline with more roles covered (planner.solver.warmstart)")
        money = money_only(self.scenario)
        bound = lp_bound(table, money, price_pool(table, money, pool_size=_pool_size(money)))
        if not money.weights.attrition_aware:  # the relaxation with seats; both are valid, the larger counts
            bound = max(bound, money_bound(table, money, self.org))
        return start, bound

    def search(self, built, start: _Start, relaxation: Optional[float], on_progress, stop) -> _Answer:
        """CP-SAT from the start plan as a complete hint, in two phases within the wall clock: first the
        money cost alone (its bound is the money bound), then the whole objective among plans whose
        money cost is within solver.tie_break_money_tolerance of the first phase's."""
        config, model = self.scenario.solver, built.model
        money = sum(built.objective_parts[k] for k in MONEY_PARTS if k in built.objective_parts)
        hint = self.hint or start  # the adapted baseline even where it breaks a rule (a hint is a preference, not a constraint)
        first = {e: r for e, r, k in hint.slates if k == 1}
        built.vars.hint(model, set(hint.starts), set(hint.slates),
                        {(s.employee_id, s.role_id): s.ready_quarter for s in hint.plan.slates if s.ready_quarter is not None},
                        effective_need(self.problem.need, self.problem.incumbent_of, first))
        ties = has_tie_breaks(self.scenario)
        share = 0.8 if ties else 1.0  # of the wall clock and of the deterministic time, for the money phase
        deterministic_time = DETERMINISTIC_SHARE * config.time_limit_seconds
        model.minimize(money)
        wall1 = share * self.remaining()
        solver1 = solver_parameters(config, wall1, share * deterministic_time)
        code1 = Watcher(on_progress, stop, self.started, money, relaxation).run(solver1, model)
        wall_limited = config.deterministic and code1 != cp_model.OPTIMAL and solver1.wall_time >= 0.95 * wall1
        bound = _money_bound(solver1, relaxation)
        left = deterministic_time - solver1.response_proto.deterministic_time  # for the second phase
        if (code1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or not ties or (stop is not None and stop.is_set())
                or self.remaining() < 0.1 or (config.deterministic and left < 0.05)):
            return _Answer(code1, solver1, bound, "NOT_RUN", wall_limited)
        model.clear_hints()
        for index, value in enumerate(solver1.response_proto.solution):
            model.add_hint(model.get_int_var_from_proto_index(index), value)
        cap = int(solver1.value(money))
        model.add(money <= cap + int(config.tie_break_money_tolerance * cap)).with_name("money_cap")
        model.minimize(sum(built.objective_parts.values()))
        wall2 = self.remaining()
        solver2 = solver_parameters(config, wall2, left)
        code2 = Watcher(on_progress, stop, self.started, money, bound).run(solver2, model)
        if code2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Answer(code1, solver1, bound, "NOT_RUN", wall_limited)
        wall_limited = wall_limited or (config.deterministic and code2 != cp_model.OPTIMAL and solver2.wall_time >= 0.95 * wall2)
        return _Answer(code1, solver2, bound, solver2.status_name(code2), wall_limited)

    def result(self, answer: _Answer, built, start: _Start) -> Plan:
        """The plan to return: the search's, or the start when the search did not beat it on money, or no
        plan with the reason (for conflicting overrides: a minimal set of them and the rules they break)."""
        org, scenario, limit = self.org, self.scenario, self.scenario.solver.time_limit_seconds
        code, solver = answer.code, answer.solver
        if code == cp_model.INFEASIBLE and built.assumptions:
            needed, rules = explain_conflict(self.problem, conflict_core(self.problem))
            return self.no_plan("INFEASIBLE", f"these cannot hold together: {' + '.join(needed)}"
                                + (f" (they break: {', '.join(rules)})" if rules else ""))
        if code == cp_model.UNKNOWN and check_plan(org, scenario, start.plan).ok:
            return self.decided(start.slates, start.starts, "FEASIBLE", answer.money_bound,
                                f"no better plan found within {limit:g} s: {start.name} is returned; raise solver.time_limit_seconds",
                                tie_break_status="NOT_RUN")
        status = solver.status_name(code)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            reason = {
                "INFEASIBLE": "the scenario's hard rules contradict each other",
                "UNKNOWN": f"no plan found within {limit:g} s; raise solver.time_limit_seconds",
                "MODEL_INVALID": "the model is invalid (a bug: please report it with the scenario)",
            }.get(status, status)
            return self.no_plan(status, reason)
        value = solver.boolean_value
        message = ("the wall-clock limit stopped the deterministic search before its deterministic time: this plan may "
                   "differ on a busier or faster machine" if answer.wall_limited else "")
        plan = self.decided(built.vars.chosen_slates(value), built.vars.chosen_starts(value), status, answer.money_bound,
                            message, solver_objective_parts=solver_parts(solver, built), tie_break_status=answer.tie_break_status)
        if plan.kpis.status == "OPTIMAL" and (plan.kpis.gap or 0) > 1e-9:  # optimal for the shortlist only
            plan = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"status": "FEASIBLE"})})
        if _cheaper(start.plan, plan) and check_plan(org, scenario, start.plan).ok:
            # a stopped search may hold a costlier plan than the one it started from (and on large organisations,
            # OPTIMAL is only the shortlist's)
            return self.decided(start.slates, start.starts, plan.kpis.status, answer.money_bound,
                                f"the search stopped before improving on {start.name}, which is returned",
                                tie_break_status="NOT_RUN")
        return plan


def _money_bound(solver: cp_model.CpSolver, relaxation: Optional[float]) -> Optional[float]:
    """The money bound: the relaxation's over every pair (large organisations), else CP-SAT's own from
    the money phase, which covers the full problem (its pruning is exact)."""
    if relaxation is not None:
        return relaxation
    bound = solver.best_objective_bound
    return bound / OBJECTIVE_SCALE if np.isfinite(bound) else None


def _cheaper(a: Plan, b: Plan) -> bool:
    """Plan ``a`` is better than ``b``: less money, or the same money (to the cent) and a lower objective."""
    if a.kpis.money_cost < b.kpis.money_cost - 0.005:
        return True
    return abs(a.kpis.money_cost - b.kpis.money_cost) <= 0.005 and a.kpis.objective < b.kpis.objective - 0.005


def solve(
    org: Organisation,
    scenario: Scenario,
    on_progress: Optional[ProgressFn] = None,
    stop: Optional[threading.Event] = None,
    scenario_file: Optional[str] = None,
    baseline: Optional[Plan] = None,
    baseline_name: Optional[str] = None,
    method: str = "cp-sat",
    on_phase: Optional[PhaseFn] = None,
    deadline: Optional[float] = None,
) -> Plan:
    """Choose slates and schedule development for ``scenario`` on ``org``.

    ``method="cp-sat"`` (default) optimises, starting from the readiness-ranking baseline as a
    complete hint and never returning a plan worse than it; ``method="greedy"`` returns that
    baseline (planner.heuristics.ranking) with no bound. The plan's readiness and KPIs are recomputed by the
    checker from the chosen decisions. Status OPTIMAL means proven best; FEASIBLE carries the gap
    to the proven bound; INFEASIBLE / UNKNOWN carry no decisions and a message saying why (for
    conflicting pins, vetoes and locks: a minimal set of them and the rules they break). With a
    ``baseline`` plan, changing its decisions costs weights.change_slate / change_learning each.
    ``on_phase(name, seconds)`` is told how long each phase took: prepare, readiness ranking,
    build model, start plan, search, result. ``deadline`` (a time.monotonic() value, by default the
    call's start plus solver.time_limit_seconds) is when the plan must be ready: the search gets
    what the phases before it leave, and no search runs when none is left.
    """
    from planner.heuristics.ranking import greedy_decisions

    if method not in ("cp-sat", "greedy"):
        raise ValueError(f"unknown method {method!r}: use 'cp-sat' or 'greedy'")
    run = _Solve(org, scenario, on_phase, deadline)
    with run.phase("prepare"):
        table, ranked_slates = run.prepare(baseline)
        run.meta = plan_meta(org, scenario, method, scenario_file, baseline, baseline_name)
    with run.phase("readiness ranking"):
        ranking = greedy_decisions(org, scenario, run.problem, slates=ranked_slates, table=table)
    if method == "greedy":
        with run.phase("result"):
            return run.decided(*ranking, "FEASIBLE")
    with run.phase("build model"):
        built = build_model(run.problem)
    if built.unbuildable:
        reasons = [f"{label} cannot hold: {why_unbuildable(org, scenario, label, check)}" for label, check in built.unbuildable]
        return run.no_plan("INFEASIBLE", "; ".join(reasons))
    with run.phase("start plan"):
        start, relaxation = run.start_plan(ranking, table)
    del table
    if run.remaining() < 0.1:
        return run.decided(start.slates, start.starts, "FEASIBLE", relaxation,
                           f"the time limit ({scenario.solver.time_limit_seconds:g} s) was spent before the search could run: "
                           f"{start.name} is returned; raise solver.time_limit_seconds", tie_break_status="NOT_RUN")
    with run.phase("search"):
        answer = run.search(built, start, relaxation, on_progress, stop)
    with run.phase("result"):
        return run.result(answer, built, start)
