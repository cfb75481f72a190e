"""The rules of the model, one function per rule, all with the signature ``rule(ctx) -> objective part``.

Hard rules add constraints and return 0. Soft rules return their objective term in hundredths of a
money unit (``OBJECTIVE_SCALE``), to be minimised. ``planner.solver.registry`` lists them in build
order, each with the checker function that re-checks it on the finished plan without the solver.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.evaluation.checks import check_slate_eligibility, check_slate_structure, check_start_window
from planner.problem.instance import Problem
from planner.solver.variables import Variables
from planner.problem.scoring import OBJECTIVE_SCALE, expected_hire_cuts, loss_share, rank_factor


@dataclass
class BuildContext:
    model: cp_model.CpModel
    vars: Variables
    problem: Problem
    assumptions: list[tuple[cp_model.IntVar, str]] = field(default_factory=list)  # (literal, planner's words)
    unbuildable: list[tuple[str, Callable]] = field(default_factory=list)  # (override, the check that says why it cannot hold)

    def assume(self, label: str) -> cp_model.IntVar:
        """A literal that switches on an overriding decision; on infeasibility CP-SAT names a set of them."""
        literal = self.model.new_bool_var(f"assume[{label}]")
        self.assumptions.append((literal, label))
        return literal


def _money(x: float) -> int:
    return int(round(x * OBJECTIVE_SCALE))


_sum, _weighted = cp_model.LinearExpr.sum, cp_model.LinearExpr.weighted_sum  # flat sums: far faster than Python's sum


# ------------------------------------------------------------------------------------------
# Hard rules
# ------------------------------------------------------------------------------------------


def intervention_once(ctx: BuildContext) -> int:
    """Hard rule: an employee takes an intervention at most once (starts are per quarter; the start
    window and the end inside the horizon are enforced by which start variables exist)."""
    for (e, i) in ctx.problem.starts:
        options = [v for _, v in ctx.vars.starts_of(e, i)]
        if len(options) > 1:
            ctx.model.add_at_most_one(options)
    return 0


def prerequisites(ctx: BuildContext) -> int:
    """Hard rule: an intervention starts in quarter t only if, for each of its effects, the employee's
    level at the start of t (today's, or a finished intervention's to_level) meets its min_level."""
    p = ctx.problem
    by_end: dict[tuple[str, str, int], tuple[list[int], list]] = {}  # (employee, skill, level) -> ends, starts by end

    def enablers(e: str, skill: str, level: int, t: int) -> list:
        if (e, skill, level) not in by_end:
            options = sorted((s + p.interventions[j].duration, j, s) for j, s in p.achievers(e, (skill, level), p.horizon))
            by_end[(e, skill, level)] = ([end for end, _, _ in options], [ctx.vars.start(e, j, s) for _, j, s in options])
        ends, starts = by_end[(e, skill, level)]
        return starts[:bisect_right(ends, t)]

    for (e, i, t), var in ctx.vars.starts():
        for skill, min_level, _ in p.interventions[i].effects:
            if p.level_now(e, skill) >= min_level:
                continue
            ctx.model.add(_sum(enablers(e, skill, min_level, t)) >= var).with_name(f"prerequisite[{e},{i},q{t},{skill}>={min_level}]")
    return 0


def readiness(ctx: BuildContext) -> int:
    """Hard rule: a candidate counts as ready for a role only if, for every requirement they miss
    today, an intervention bringing that skill to the level finishes before the role is needed; and
    counts as ready on a slate position only if they hold it."""
    p = ctx.problem
    for (e, r), ready in ctx.vars.ready_decisions():
        for skill, level in p.unmet[(e, r)]:
            options = [ctx.vars.start(e, i, t) for i, t in p.achievers(e, (skill, level), p.need[r])]
            ctx.model.add(_sum(options) >= ready).with_name(f"ready[{e},{r},{skill}>={level}]")
    for (e, r, k), on in ctx.vars.ready_on_slate_entries():
        slate = ctx.vars.slate(e, r, k)
        if on is not slate:
            ctx.model.add_implication(on, slate)
            ctx.model.add_implication(on, ctx.vars.ready(e, r))
    return 0


def learning_hours(ctx: BuildContext) -> int:
    """Hard rule: in every quarter, the hours_per_quarter of the interventions an employee is taking
    add up to at most their learning_hours_per_quarter (hours per quarter)."""
    p = ctx.problem
    load: dict[tuple[str, int], list] = defaultdict(list)
    for (e, i, t), var in ctx.vars.starts():
        info = p.interventions[i]
        for q in range(t, t + info.duration):
            load[(e, q)].append((info.hours, var))
    for (e, q), terms in load.items():
        if sum(h for h, _ in terms) > p.hours[e]:
            scale = 100  # hours to two decimals, as integers
            ctx.model.add(_weighted([v for _, v in terms], [int(round(h * scale)) for h, _ in terms])
                          <= int(round(p.hours[e] * scale))).with_name(
                f"hours[{e},q{q}]"
            )
    return 0


def seats(ctx: BuildContext) -> int:
    """Hard rule: in every quarter, the starts of an intervention are at most its seats_per_quarter (people)."""
    p = ctx.problem
    starts: dict[tuple[str, int], list] = defaultdict(list)
    for (e, i, t), var in ctx.vars.starts():
        if p.interventions[i].seats is not None:
            starts[(i, t)].append(var)
    for (i, t), vars_ in starts.items():
        if len(vars_) > p.interventions[i].seats:
            ctx.model.add(_sum(vars_) <= p.interventions[i].seats).with_name(f"seats[{i},q{t}]")
    return 0


def budget(ctx: BuildContext) -> int:
    """Hard rule: training spend (each cost paid in its start quarter) is within the total budget and,
    if set, within the per-quarter cap (money units)."""
    p = ctx.problem
    b = p.scenario.budget
    spend = [(_money(p.interventions[i].cost), t, var) for (e, i, t), var in ctx.vars.starts()]
    if sum(c for c, _, _ in spend) > _money(b.total):
        ctx.model.add(_weighted([v for _, _, v in spend], [c for c, _, _ in spend]) <= _money(b.total)).with_name("budget[total]")
    if b.per_quarter is not None:
        for q in range(p.horizon):
            terms = [(c, v) for c, t, v in spend if t == q]
            if sum(c for c, _ in terms) > _money(b.per_quarter):
                ctx.model.add(_weighted([v for _, v in terms], [c for c, _ in terms]) <= _money(b.per_quarter)).with_name(f"budget[q{q}]")
    return 0


def slate_structure(ctx: BuildContext) -> int:
    """Hard rule: each rank of a slate holds at most one person, each person holds at most one rank
    of a slate, and ranks fill from 1 without gaps (up to bench_depth)."""
    by_rank: dict[tuple[str, int], list] = defaultdict(list)
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for (e, r, k), var in ctx.vars.slate_entries():
        by_rank[(r, k)].append(var)
        by_pair[(e, r)].append(var)
    for vars_ in list(by_rank.values()) + list(by_pair.values()):
        ctx.model.add_at_most_one(vars_)
    depth = ctx.vars.depth
    for r in ctx.problem.critical_roles:
        for k in range(1, depth):
            ctx.model.add(_sum(by_rank.get((r, k + 1), [])) <= _sum(by_rank.get((r, k), []))).with_name(f"slate_order[{r},#{k + 1}]")
    return 0


def first_rank_once(ctx: BuildContext) -> int:
    """Hard rule: nobody is the first-ranked successor of two roles."""
    first: dict[str, list] = defaultdict(list)
    for (e, r, k), var in ctx.vars.slate_entries():
        if k == 1:
            first[e].append(var)
    for vars_ in first.values():
        if len(vars_) > 1:
            ctx.model.add_at_most_one(vars_)
    return 0


def max_slates(ctx: BuildContext) -> int:
    """Hard rule: nobody sits on more than max_slates_per_employee slates."""
    cap = ctx.problem.scenario.policy.max_slates_per_employee
    per_employee: dict[str, list] = defaultdict(list)
    for (e, r, k), var in ctx.vars.slate_entries():
        per_employee[e].append(var)
    for e, vars_ in per_employee.items():
        if len(vars_) > cap:
            ctx.model.add(_sum(vars_) <= cap).with_name(f"max_slates[{e}]")
    return 0


def pins(ctx: BuildContext) -> int:
    """Hard rule: a pin puts a person on a slate (at a rank, if given). Guarded by an assumption
    literal so that an infeasible set of overrides can be named; a pin no plan could honour (an
    ineligible person, a rank beyond bench_depth) is recorded in ``ctx.unbuildable`` with the check
    that says why."""
    v = ctx.vars
    for pin in ctx.problem.scenario.pins:
        if pin.rank and pin.rank > v.depth:
            ctx.unbuildable.append((pin.label(), check_slate_structure))
            continue
        options = [v.slate(pin.employee_id, pin.role_id, k) for k in ([pin.rank] if pin.rank else range(1, v.depth + 1))]
        if any(o is None for o in options):
            ctx.unbuildable.append((pin.label(), check_slate_eligibility))
            continue
        ctx.model.add(sum(options) == 1).only_enforce_if(ctx.assume(pin.label()))
    return 0


def vetoes(ctx: BuildContext) -> int:
    """Hard rule: a veto keeps a person off a slate (guarded by an assumption literal, as pins are)."""
    v = ctx.vars
    for veto in ctx.problem.scenario.vetoes:
        options = [o for k in range(1, v.depth + 1) if (o := v.slate(veto.employee_id, veto.role_id, k)) is not None]
        if options:
            ctx.model.add(sum(options) == 0).only_enforce_if(ctx.assume(veto.label()))
    return 0


def locks(ctx: BuildContext) -> int:
    """Hard rule: a lock keeps an intervention booked at its quarter (guarded by an assumption
    literal, as pins are); one whose start variable does not exist (outside the window, past a
    leaver's last quarter, more hours than the person has) is recorded in ``ctx.unbuildable``."""
    v = ctx.vars
    for lock in ctx.problem.scenario.locks:
        start = v.start(lock.employee_id, lock.intervention_id, lock.start_quarter)
        if start is None:
            ctx.unbuildable.append((lock.label(), check_start_window))
            continue
        ctx.model.add(start == 1).only_enforce_if(ctx.assume(lock.label()))
    return 0


def cascades(ctx: BuildContext) -> int:
    """Hard rule: backfill cascades. When a role's incumbent is first successor of another role, their
    own role falls vacant when that role needs them (the earlier of the two needs, along whole
    chains); a successor on its slate counts as ready only if ready by that effective quarter."""
    v, p, m = ctx.vars, ctx.problem, ctx.model
    for role in p.possible_needs:
        m.add_exactly_one([var for _, var in v.need_options(role)])
    for role, ups in p.moves.items():
        for up in ups:
            moves_up = v.slate(p.incumbent_of[role], up, 1)
            if moves_up is not None and (v.need_options(role) or v.need_options(up) or p.need[up] < p.need[role]):
                m.add(v.need(role) <= v.need(up)).only_enforce_if(moves_up).with_name(f"cascade[{role}<-{up}]")
    on_slate: dict[tuple[str, str], list] = defaultdict(list)
    for (e, r, k), on in v.ready_on_slate_entries():
        if r in p.possible_needs:
            on_slate[(e, r)].append(on)
    for (e, r), ons in on_slate.items():
        for q, chosen in v.need_options(r):
            if q >= p.need[r]:
                continue
            for skill, level in p.unmet[(e, r)]:
                options = [v.start(e, i, t) for i, t in p.achievers(e, (skill, level), q)]
                m.add(_sum(options) >= _sum(ons) + chosen - 1).with_name(f"ready_by[{e},{r},q{q},{skill}>={level}]")
    return 0


def _group_entries(ctx: BuildContext) -> dict[str, list]:
    """Critical role -> slate variables of its candidates in the fairness group (planner.problem.fairness)."""
    group = ctx.problem.fairness_group
    on: dict[str, list] = defaultdict(list)
    for (e, r, k), var in ctx.vars.slate_entries():
        if e in group:
            on[r].append(var)
    return on


def slate_fairness(ctx: BuildContext) -> int:
    """Hard rule (policy.fairness with mode hard): each critical role's slate holds at least its target of
    people of the fairness group: min_per_slate, or as many as are eligible for the slate when fewer are
    (planner.problem.fairness.fairness_targets) (people per slate)."""
    fairness = ctx.problem.scenario.policy.fairness
    if fairness is None or fairness.mode != "hard":
        return 0
    on = _group_entries(ctx)
    for r, target in ctx.problem.fairness_targets.items():
        if target > 0:
            ctx.model.add(_sum(on.get(r, [])) >= target).with_name(f"fairness[{r}]")
    return 0


# ------------------------------------------------------------------------------------------
# Soft rules (objective terms, hundredths of a money unit)
# ------------------------------------------------------------------------------------------


def training_spend(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule: training spend, weighted by weights.training_spend (money units)."""
    p, w = ctx.problem, ctx.problem.scenario.weights.training_spend
    starts = list(ctx.vars.starts())
    return _weighted([var for _, var in starts], [_money(w * p.interventions[i].cost) for (_, i, _), _ in starts])


def external_hire(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule: the external_hire_cost of every critical role whose first successor is not ready
    when it is needed, weighted by weights.external_hire (money units). With weights.attrition_aware,
    its expected value instead: the cost times the chance that every ready slate member has left
    (planner.problem.scoring.expected_hire_cost, modelled exactly by its tangent cuts)."""
    p, w = ctx.problem, ctx.problem.scenario.weights.external_hire
    if p.scenario.weights.attrition_aware:
        return _expected_external_hire(ctx, w)
    covered: dict[str, list] = defaultdict(list)
    for (e, r, k), on in ctx.vars.ready_on_slate_entries():
        if k == 1:
            covered[r].append(on)
    roles = p.critical_roles
    cost = [_money(w * p.external_cost[r]) for r in roles]
    ons = [(on, c) for r, c in zip(roles, cost) for on in covered.get(r, [])]
    return sum(cost) - _weighted([on for on, _ in ons], [c for _, c in ons])


def _expected_external_hire(ctx: BuildContext, w: float) -> cp_model.LinearExpr:
    p, v, m = ctx.problem, ctx.vars, ctx.model
    risk = dict(zip(p.pairs["employee_id"], p.pairs["employee_id"].map(p.flight_risk)))
    loss: dict[str, list] = defaultdict(list)
    for (e, r, k), on in v.ready_on_slate_entries():
        loss[r].append(loss_share(risk[e], p.need[r]) * on)
    terms = []
    for r in p.critical_roles:
        cost = int(round(w * p.external_cost[r]))  # whole money units keep the cuts' coefficients small
        u = m.new_int_var(0, cost, f"expected_hire[{r}]")
        for a, b in expected_hire_cuts(cost):
            m.add(1000 * u >= a - b * sum(loss.get(r, [])))
        terms.append(OBJECTIVE_SCALE * u)
    return sum(terms)


def ready_successors(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule: reward each slate entry whose person is ready when the role is needed, by
    weights.ready_successor times the rank factor (money units per ready successor)."""
    w, depth = ctx.problem.scenario.weights.ready_successor, ctx.vars.depth
    entries = list(ctx.vars.ready_on_slate_entries())
    return -_weighted([on for _, on in entries], [_money(w * rank_factor(k, depth)) for (_, _, k), _ in entries])


def candidate_quality(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule: reward each slate entry by its candidate quality (0-1) times weights.candidate_quality
    times the rank factor (money units)."""
    w, depth = ctx.problem.scenario.weights.candidate_quality, ctx.vars.depth
    quality = dict(zip(zip(ctx.problem.pairs["employee_id"], ctx.problem.pairs["role_id"]), ctx.problem.pairs["quality"]))
    entries = list(ctx.vars.slate_entries())
    return -_weighted([var for _, var in entries], [_money(w * quality[(e, r)] * rank_factor(k, depth)) for (e, r, k), _ in entries])


def aspiration(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule: reward placing people on slates they aspire to, weights.aspiration per entry (money units)."""
    w = ctx.problem.scenario.weights.aspiration
    wants = set(ctx.problem.pairs.loc[ctx.problem.pairs["aspires"], ["employee_id", "role_id"]].itertuples(index=False, name=None))
    return -_money(w) * _sum([var for (e, r, k), var in ctx.vars.slate_entries() if (e, r) in wants])


def early_development(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule: prefer development that ends early: weights.early_development per quarter from the
    start of the horizon to the end of each intervention (money units per quarter)."""
    p, w = ctx.problem, ctx.problem.scenario.weights.early_development
    starts = list(ctx.vars.starts())
    return _weighted([var for _, var in starts], [_money(w * (t + p.interventions[i].duration)) for (_, i, t), _ in starts])


def stability(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule (re-planning only): weights.change_slate per slate entry that came in, left or changed
    rank against the baseline plan, weights.change_learning per intervention added, cancelled or moved
    (money units per changed decision; the same count as ``planner.compare``)."""
    p, v = ctx.problem, ctx.vars
    if not p.baseline_slates and not p.baseline_starts:
        return 0
    w_slate, w_learn = _money(p.scenario.weights.change_slate), _money(p.scenario.weights.change_learning)
    terms = []
    for e, r, k in p.baseline_slates:  # left, or moved rank
        var = v.slate(e, r, k)
        terms.append(w_slate * (1 - var) if var is not None else w_slate)
    base_pairs = {(e, r) for e, r, _ in p.baseline_slates}
    terms += [w_slate * var for (e, r, k), var in v.slate_entries() if (e, r) not in base_pairs]  # came in
    for e, i, t in p.baseline_starts:  # cancelled, or moved
        var = v.start(e, i, t)
        terms.append(w_learn * (1 - var) if var is not None else w_learn)
    base_learning = {(e, i) for e, i, _ in p.baseline_starts}
    terms += [w_learn * var for (e, i, t), var in v.starts() if (e, i) not in base_learning]  # added
    return sum(terms)


def fairness_shortfall(ctx: BuildContext) -> cp_model.LinearExpr:
    """Soft rule (policy.fairness with mode soft): policy.fairness.price for each person of the fairness
    group a slate lacks against its target (planner.problem.fairness.fairness_targets); a money term,
    like the re-planning changes (money units per missing person)."""
    p = ctx.problem
    fairness = p.scenario.policy.fairness
    if fairness is None or fairness.mode != "soft":
        return 0
    on = _group_entries(ctx)
    missing = []
    for r, target in p.fairness_targets.items():
        if target > 0:
            short = ctx.model.new_int_var(0, target, f"fairness_shortfall[{r}]")
            ctx.model.add_max_equality(short, [0, target - _sum(on.get(r, []))])
            missing.append(short)
    return _money(fairness.price) * _sum(missing)
