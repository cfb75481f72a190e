"""Talent review (calibration): the 9-box, a change priced by a re-plan, the delta against the endorsed plan, outliers.

A calibration session looks at people in a 9-box, moves some of them between boxes, pins, vetoes or
locks with a rationale, and wants to know at once what each change costs. Here:

- :func:`nine_box`: performance (1-5, binned low 1-2, medium 3, high 4-5) against potential (1-3: low,
  medium, high) for a department, a critical role's candidates (its eligible people, vetoes removed,
  and whoever is on its slate), or everyone; each person's box by name ("Future star", ...).
- A change (:data:`ReviewChange`): :class:`RatingMove` (new performance and/or potential: a 9-box
  move, applied as a scenario ``employee`` change), :class:`PinChange`, :class:`VetoChange`,
  :class:`LockChange`; each carries its rationale.
- :func:`price_change`: the scenario with the change added is re-planned with minimal disruption from
  the current plan (``planner.solve(..., baseline=current)``, which prices every changed decision at
  weights.change_slate / change_learning) within ``time_limit_seconds``, and :func:`effect_of` says
  what it costs: the money deltas (training, external hire, their total; and the expected
  external-hire cost under attrition, planner.analyses.attrition), covered roles before and after, the
  roles that lose or gain cover (with when the new first successor is ready and what they still lack
  when the role is needed, in the words of planner.analyses.explain) and the decisions that moved
  (planner.compare), in one sentence.
- :func:`against_endorsed`: the same effect, of a plan against the latest endorsed plan in the store.
- :func:`outliers`: ratings far from their department's (:data:`RATING_RULE`), people on as many slates
  as policy.max_slates_per_employee allows, and roles whose bench hangs on one person (exactly one
  successor ready when the role is needed).
"""

from __future__ import annotations

import math
import time
from typing import Annotated, Literal, Optional, Union

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from planner.analyses.attrition import coverage_probability
from planner.analyses.comparison import compare
from planner.analyses.explain.facts import rank_one_ready
from planner.analyses.explain.models import Gap, money_text
from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.plan import Plan
from planner.contract.scenario import EmployeeChange, Lock, Pin, Scenario, Veto, quarter_label, recorded_scenario
from planner.evaluation.replay import PlanContext
from planner.inputs.changes import apply_changes
from planner.problem.instance import eligible_pairs
from planner.store import PlanStore

# The re-plan's time limit: with the baseline plan as the search's start, on the sample (2-core machine) a
# change is priced and saved in under 5 s (README, "Talent review").
REVIEW_SECONDS = 4.0

PERFORMANCE_BANDS = {1: "low", 2: "low", 3: "medium", 4: "high", 5: "high"}
POTENTIAL_BANDS = {1: "low", 2: "medium", 3: "high"}
BANDS = ["low", "medium", "high"]
# (performance band, potential band) -> the box's name, as on the Plan page's 9-box.
BOX_NAMES = {
    ("low", "high"): "Enigma", ("medium", "high"): "Growth employee", ("high", "high"): "Future star",
    ("low", "medium"): "Inconsistent", ("medium", "medium"): "Core player", ("high", "medium"): "High performer",
    ("low", "low"): "Talent risk", ("medium", "low"): "Effective", ("high", "low"): "Trusted professional",
}
NINE_BOX_COLUMNS = ["employee_id", "name", "department", "current_role", "performance", "potential", "performance_band",
                    "potential_band", "box", "slates", "rank", "ready_label"]

Z_LIMIT = 2.0
MIN_STD = 0.5
MIN_DEPARTMENT = 5
RATING_RULE = (f"a rating at least {Z_LIMIT:g} standard deviations from the mean of the rest of the person's department "
               f"(the department without them; a standard deviation below {MIN_STD:g} counts as {MIN_STD:g}, so where "
               f"everyone else shares one rating, a rating 1 point away is an outlier); departments of fewer than "
               f"{MIN_DEPARTMENT} people are not judged")


def box(performance: int, potential: int) -> str:
    """The 9-box a performance (1-5) and potential (1-3) rating put a person in."""
    return BOX_NAMES[(PERFORMANCE_BANDS[int(performance)], POTENTIAL_BANDS[int(potential)])]


def _problem(field: str, message: str) -> InputError:
    return InputError([Issue(table="review", column=field, message=message)])


# ------------------------------------------------------------------------------------------
# Changes
# ------------------------------------------------------------------------------------------


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee_id: str = Field(min_length=1, description="Who the change is about.")
    rationale: str = Field(min_length=1, description="Why (kept in the audit trail and with the plan).")

    @model_validator(mode="after")
    def _rationale_has_text(self):
        if not self.rationale.strip():
            raise ValueError("a rationale is required")
        return self


class RatingMove(_Change):
    """Move a person between 9-box boxes: a new performance and / or potential rating."""

    kind: Literal["rating"] = "rating"
    performance: Optional[int] = Field(default=None, ge=1, le=5, description="New performance rating, 1-5.")
    potential: Optional[int] = Field(default=None, ge=1, le=3, description="New potential rating, 1-3.")

    @model_validator(mode="after")
    def _something(self) -> "RatingMove":
        if self.performance is None and self.potential is None:
            raise ValueError("a rating move needs a new performance or potential rating")
        return self

    def words(self, org: Organisation, scenario: Scenario) -> str:
        row = org.employees.set_index("employee_id").loc[self.employee_id]
        before = (int(row["performance"]), int(row["potential"]))
        after = (self.performance or before[0], self.potential or before[1])
        return (f"moving {self.employee_id} from {box(*before)} (performance {before[0]}, potential {before[1]}) to "
                f"{box(*after)} (performance {after[0]}, potential {after[1]})")

    def apply(self, org: Organisation, scenario: Scenario) -> tuple[Organisation, Scenario]:
        change = EmployeeChange(type="employee", employee_id=self.employee_id, performance=self.performance,
                                potential=self.potential)
        changed = apply_changes(org, scenario.model_copy(update={"changes": [change]}))
        return changed, scenario.model_copy(update={"changes": [*scenario.changes, change]})


class PinChange(_Change):
    """Put a person on a critical role's slate (at a rank, if given)."""

    kind: Literal["pin"] = "pin"
    role_id: str = Field(min_length=1, description="The critical role.")
    rank: Optional[int] = Field(default=None, ge=1, description="Slate position; empty = any.")

    def words(self, org: Organisation, scenario: Scenario) -> str:
        return f"pinning {self.employee_id} {f'as #{self.rank} ' if self.rank else ''}on {self.role_id}"

    def apply(self, org: Organisation, scenario: Scenario) -> tuple[Organisation, Scenario]:
        pin = Pin(employee_id=self.employee_id, role_id=self.role_id, rank=self.rank, rationale=self.rationale)
        return org, scenario.model_copy(update={"pins": [*scenario.pins, pin]})


class VetoChange(_Change):
    """Keep a person off a critical role's slate."""

    kind: Literal["veto"] = "veto"
    role_id: str = Field(min_length=1, description="The critical role.")

    def words(self, org: Organisation, scenario: Scenario) -> str:
        return f"vetoing {self.employee_id} on {self.role_id}"

    def apply(self, org: Organisation, scenario: Scenario) -> tuple[Organisation, Scenario]:
        veto = Veto(employee_id=self.employee_id, role_id=self.role_id, rationale=self.rationale)
        return org, scenario.model_copy(update={"vetoes": [*scenario.vetoes, veto]})


class LockChange(_Change):
    """Book an intervention for a person from a quarter (one already agreed or started)."""

    kind: Literal["lock"] = "lock"
    intervention_id: str = Field(min_length=1, description="The intervention.")
    start_quarter: int = Field(ge=0, description="Quarter it starts (0 = the first of the horizon).")

    def words(self, org: Organisation, scenario: Scenario) -> str:
        return f"locking {self.intervention_id} for {self.employee_id} from {scenario.quarter_label(self.start_quarter)}"

    def apply(self, org: Organisation, scenario: Scenario) -> tuple[Organisation, Scenario]:
        lock = Lock(employee_id=self.employee_id, intervention_id=self.intervention_id, start_quarter=self.start_quarter,
                    rationale=self.rationale)
        return org, scenario.model_copy(update={"locks": [*scenario.locks, lock]})


ReviewChange = Annotated[Union[RatingMove, PinChange, VetoChange, LockChange], Field(discriminator="kind")]


def change_words(change: ReviewChange, org: Organisation, scenario: Scenario) -> str:
    """The change in words ('vetoing E00042 on R-FIN-CFO'); InputError if it names someone or something unknown."""
    employees = set(org.employees["employee_id"])
    if change.employee_id not in employees:
        raise _problem("employee_id", f"{change.employee_id!r} is not an employees.employee_id")
    if isinstance(change, (PinChange, VetoChange)) and change.role_id not in set(org.critical_roles["role_id"]):
        raise _problem("role_id", f"{change.role_id!r} is not a critical role")
    if isinstance(change, LockChange) and change.intervention_id not in set(org.interventions["intervention_id"]):
        raise _problem("intervention_id", f"{change.intervention_id!r} is not an interventions.intervention_id")
    return change.words(org, scenario)


# ------------------------------------------------------------------------------------------
# The priced effect
# ------------------------------------------------------------------------------------------


class MovedDecision(BaseModel):
    """One decision that differs between the two plans (planner.compare's slate and learning changes)."""

    kind: Literal["slate", "learning"] = Field(description="A slate entry or an intervention.")
    change: str = Field(description="Slate: in, out, rank. Learning: added, removed, moved.")
    employee_id: str = Field(description="Who.")
    role_id: Optional[str] = Field(default=None, description="Slate: the critical role.")
    intervention_id: Optional[str] = Field(default=None, description="Learning: the intervention.")
    text: str = Field(description="The decision in words.")


class RoleCover(BaseModel):
    """A critical role whose cover changed: covered before and not after, or the other way round."""

    role_id: str = Field(description="The critical role.")
    covered: bool = Field(description="Covered after the change (its first successor ready when it is needed).")
    need_label: str = Field(description="When it is needed (calendar quarter; after the change).")
    first_successor: Optional[str] = Field(default=None, description="Its first successor after the change.")
    ready_label: Optional[str] = Field(default=None, description="When that successor is ready; empty = not in the horizon.")
    unmet: list[str] = Field(default_factory=list, description="Uncovered: requirements the first successor still "
                             "lacks when the role is needed ('Tax Compliance 3→4').")
    text: str = Field(description="In words: 'R-FIN-TAX uncovered until 2028Q3 (...)'.")


class PricedEffect(BaseModel):
    """What a change costs, from the comparison of the plan before it and the re-plan after it."""

    change: str = Field(description="The change in words.")
    status: str = Field(description="The re-plan's solver status (OPTIMAL: its money cost is proven least).")
    money_gap: Optional[float] = Field(default=None, description="The re-plan's money gap (0 when proven).")
    seconds: float = Field(default=0.0, description="Wall-clock seconds of the re-plan and its pricing.")
    total_cost_delta: float = Field(description="Training + external-hire cost, after minus before (money units).")
    training_cost_delta: float = Field(description="Training spend, after minus before.")
    external_hire_cost_delta: float = Field(description="External-hire cost of the uncovered roles, after minus before.")
    expected_external_hire_cost_delta: float = Field(
        description="Expected external-hire cost under attrition (planner.analyses.attrition), after minus before.")
    covered_before: int = Field(description="Critical roles covered before.")
    covered_after: int = Field(description="Critical roles covered after.")
    critical_roles: int = Field(description="Critical roles after.")
    coverage_delta: float = Field(description="Coverage (share of critical roles covered), after minus before.")
    decisions_changed: int = Field(description="Slate entries and interventions that differ (planner.compare).")
    moved: list[MovedDecision] = Field(default_factory=list, description="Those decisions.")
    roles: list[RoleCover] = Field(default_factory=list, description="Roles that lose or gain cover.")
    sentence: str = Field(description="The effect in one sentence.")

    def record(self) -> dict:
        """What the audit trail keeps of it: every field (the moved decisions as their words)."""
        doc = self.model_dump(exclude={"moved", "roles"})
        doc["moved"] = [m.text for m in self.moved]
        doc["roles"] = [r.text for r in self.roles]
        return doc


def signed(x: float) -> str:
    """+1,234 / -1,234 / 0."""
    return "0" if round(x) == 0 else f"{'+' if x > 0 else '-'}{money_text(abs(x))}"


def _cover(org: Organisation, scenario: Scenario, plan: Plan) -> tuple[PlanContext, pd.Series, set[str]]:
    """The plan's context, its roles' (effective) need quarters and the roles it covers."""
    ctx = PlanContext(org, scenario, plan.slates_df(), plan.learning_df())
    need = ctx.need
    return ctx, need, rank_one_ready(plan, {r: int(q) for r, q in need.items()})


def _moved(comparison, label: str, start: str) -> list[MovedDecision]:
    rows = []
    slates = comparison.slate_changes
    for s in slates[(slates["plan"] == label) & (slates["change"] != "readiness")].itertuples(index=False):
        text = {"in": f"{s.employee_id} onto {s.role_id} as #{s.rank_after}",
                "out": f"{s.employee_id} off {s.role_id} (was #{s.rank_before})",
                "rank": f"{s.employee_id} on {s.role_id} #{s.rank_before} → #{s.rank_after}"}[s.change]
        rows.append(MovedDecision(kind="slate", change=s.change, employee_id=s.employee_id, role_id=s.role_id, text=text))
    learning = comparison.learning_changes
    for a in learning[learning["plan"] == label].itertuples(index=False):
        what = f"{a.intervention_id} for {a.employee_id}"
        if a.change == "added":
            text = f"{what} from {quarter_label(start, int(a.start_after))}"
        elif a.change == "removed":
            text = f"{what} cancelled (was {quarter_label(start, int(a.start_before))})"
        else:
            text = f"{what} moved {quarter_label(start, int(a.start_before))} → {quarter_label(start, int(a.start_after))}"
        cost = float(a.cost_delta)
        text += f" ({signed(cost)})" if round(cost) else ""
        rows.append(MovedDecision(kind="learning", change=a.change, employee_id=a.employee_id,
                                  intervention_id=a.intervention_id, text=text))
    return rows


def _role_cover(org: Organisation, scenario: Scenario, plan: Plan, ctx: PlanContext, need: pd.Series,
                role: str, covered: bool) -> RoleCover:
    need_q = int(need[role])
    need_label = scenario.quarter_label(need_q) if need_q < scenario.horizon_quarters else "the end of the horizon"
    first = next((s for s in plan.slates if s.role_id == role and s.rank == 1), None)
    if covered:
        return RoleCover(role_id=role, covered=True, need_label=need_label, first_successor=first.employee_id,
                         ready_label=first.ready_label,
                         text=f"{role} now covered by {first.employee_id} (ready {first.ready_label}, needed by {need_label})")
    if first is None:
        return RoleCover(role_id=role, covered=False, need_label=need_label,
                         text=f"{role} uncovered: nobody left on its slate (needed by {need_label})")
    names = dict(zip(org.skills["skill_id"], org.skills["name"]))
    at = min(need_q, scenario.horizon_quarters)
    gaps = [Gap(skill_id=k, skill=names.get(k, k), level=ctx.level(first.employee_id, k, at), required=lv)
            for k, lv in ctx.requirements.get(role, []) if ctx.level(first.employee_id, k, at) < lv]
    unmet = [f"{g.skill} {g.level}→{g.required}" for g in gaps]
    short = f"{first.employee_id} short of {', '.join(unmet)} when needed by {need_label}" if unmet else \
        f"{first.employee_id} not ready when needed by {need_label}"
    when = f"until {first.ready_label}" if first.ready_label else "for the whole horizon"
    return RoleCover(role_id=role, covered=False, need_label=need_label, first_successor=first.employee_id,
                     ready_label=first.ready_label, unmet=unmet, text=f"{role} uncovered {when} ({short})")


def effect_of(before: Plan, after: Plan, org: Organisation, scenario: Scenario, change: str,
              org_before: Optional[Organisation] = None, scenario_before: Optional[Scenario] = None,
              seconds: float = 0.0) -> PricedEffect:
    """The effect of going from plan ``before`` to plan ``after`` (made for ``org`` and ``scenario``;
    ``before`` for ``org_before`` / ``scenario_before``, by default the same), described as ``change``:
    the comparison's money and coverage deltas, the roles that lose or gain cover and the moved decisions."""
    org_before = org if org_before is None else org_before
    scenario_before = scenario if scenario_before is None else scenario_before
    comparison = compare([before, after], ["before", "after"])
    delta = comparison.kpis["after - before"]
    ctx_b, _, covered_b = _cover(org_before, scenario_before, before)
    ctx_a, need_a, covered_a = _cover(org, scenario, after)
    expected_b = float(coverage_probability(org_before, scenario_before, before)["expected_external_cost"].sum())
    expected_a = float(coverage_probability(org, scenario, after)["expected_external_cost"].sum())
    roles = [_role_cover(org, scenario, after, ctx_a, need_a, r, False) for r in sorted(covered_b - covered_a) if r in need_a]
    roles += [_role_cover(org, scenario, after, ctx_a, need_a, r, True) for r in sorted(covered_a - covered_b)]
    moved = _moved(comparison, "after", after.meta.start)
    k_b, k_a = before.kpis, after.kpis
    parts = [f"{signed(float(delta['total_cost']))} total cost (training {signed(float(delta['training_cost']))}, "
             f"external hire {signed(float(delta['external_hire_cost']))}; "
             f"{signed(expected_a - expected_b)} expected external-hire cost under attrition)",
             f"covered roles {k_b.covered_roles} → {k_a.covered_roles} of {k_a.critical_roles}",
             f"{len(moved)} decision{'s' * (len(moved) != 1)} moved"]
    sentence = f"{change}: " + ", ".join(parts) + "".join(f"; {r.text}" for r in roles)
    if k_a.status != "OPTIMAL":
        sentence += (f" (the re-plan is not proven cheapest: money gap {k_a.gap:.1%})" if k_a.gap is not None and k_a.gap < 1
                     else " (the re-plan is not proven cheapest: its time limit ran out before a useful bound; more "
                          "time may find a cheaper one)")
    return PricedEffect(
        change=change, status=k_a.status, money_gap=k_a.gap, seconds=round(seconds, 2),
        total_cost_delta=float(delta["total_cost"]), training_cost_delta=float(delta["training_cost"]),
        external_hire_cost_delta=float(delta["external_hire_cost"]),
        expected_external_hire_cost_delta=round(expected_a - expected_b, 2),
        covered_before=k_b.covered_roles, covered_after=k_a.covered_roles, critical_roles=k_a.critical_roles,
        coverage_delta=float(delta["coverage"]), decisions_changed=comparison.decisions_changed("after"),
        moved=moved, roles=roles, sentence=sentence,
    )


class Review(BaseModel):
    """A change priced: the scenario and organisation with it, the re-plan, and its effect."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    change: ReviewChange = Field(description="The change.")
    scenario: Scenario = Field(description="The scenario with the change.")
    org: Organisation = Field(description="The organisation with the change (a rating move changes it).")
    plan: Plan = Field(description="The re-plan (no solution when the change cannot hold: see its message).")
    effect: Optional[PricedEffect] = Field(default=None, description="Its effect; None when the change cannot hold.")


def price_change(org: Organisation, scenario: Scenario, current: Plan, change: ReviewChange,
                 time_limit_seconds: float = REVIEW_SECONDS, current_name: Optional[str] = None) -> Review:
    """Apply ``change`` to the scenario ``current`` was made from (``org``, ``scenario``), re-plan with
    minimal disruption from ``current`` within ``time_limit_seconds`` and price the result. Raises
    InputError when the change names what does not exist. A change that cannot hold with the others
    gives a plan without a solution whose message names the conflict, and no effect."""
    from planner.workflow import solve

    started = time.monotonic()
    words = change_words(change, org, scenario)
    changed_org, changed = change.apply(org, scenario)
    changed = changed.model_copy(update={"solver": changed.solver.model_copy(update={"time_limit_seconds": time_limit_seconds})})
    plan = solve(changed, changed_org, baseline=current, baseline_name=current_name)
    effect = None
    if plan.has_solution:
        effect = effect_of(current, plan, changed_org, changed, words, org_before=org, scenario_before=scenario)
        effect = effect.model_copy(update={"seconds": round(time.monotonic() - started, 2)})
    return Review(change=change, scenario=changed, org=changed_org, plan=plan, effect=effect)


def against_endorsed(store: PlanStore, plan: Plan, org: Organisation, scenario: Scenario,
                     endorsed_org: Optional[Organisation] = None) -> Optional[PricedEffect]:
    """The effect of ``plan`` (made for ``org`` and ``scenario``) against the latest endorsed plan in
    ``store``; None when nothing is endorsed yet. ``endorsed_org`` is the organisation the endorsed plan
    was made for; by default ``org`` when both plans have the same inputs, else its scenario's dataset
    with its changes (read from disk)."""
    from planner.inputs.loading import scenario_organisation

    endorsements = store.endorsements()
    if not endorsements:
        return None
    latest = endorsements[-1]
    endorsed = store.load_endorsed(latest.seq)
    endorsed_scenario = recorded_scenario(endorsed.meta.scenario_settings, f"endorsed plan {latest.plan}")
    if endorsed_org is None:
        endorsed_org = org if endorsed.meta.input_fingerprint == plan.meta.input_fingerprint else \
            scenario_organisation(endorsed_scenario)
    words = f"against the plan endorsed {latest.endorsed[:16].replace('T', ' ')} UTC by {latest.who} ({latest.plan})"
    return effect_of(endorsed, plan, org, scenario, words, org_before=endorsed_org, scenario_before=endorsed_scenario)


# ------------------------------------------------------------------------------------------
# The 9-box
# ------------------------------------------------------------------------------------------


def nine_box(org: Organisation, scenario: Optional[Scenario] = None, plan: Optional[Plan] = None,
             department: Optional[str] = None, role_id: Optional[str] = None) -> pd.DataFrame:
    """One row per person in the 9-box (columns NINE_BOX_COLUMNS): everyone, a ``department``'s people,
    or a critical role's candidates (``role_id``, needs ``scenario``: its eligible people under the
    policy, vetoes removed, and everyone on its slate in ``plan``). ``slates`` lists the slates each
    person is on in ``plan``; ``rank`` and ``ready_label`` are their place on the role's slate."""
    employees = org.employees
    titles = org.roles.set_index("role_id")["title"]
    slates = plan.slates_df() if plan is not None and plan.has_solution else pd.DataFrame(
        columns=["role_id", "rank", "employee_id", "ready_label"])
    if role_id is not None:
        if role_id not in set(org.critical_roles["role_id"]):
            raise _problem("role_id", f"{role_id!r} is not a critical role")
        if scenario is None:
            raise ValueError("a role's candidates need the scenario (its policy decides who is eligible)")
        pairs = eligible_pairs(org, scenario)
        vetoed = {v.employee_id for v in scenario.vetoes if v.role_id == role_id}
        people = set(pairs.loc[pairs["role_id"] == role_id, "employee_id"]) - vetoed
        people |= set(slates.loc[slates["role_id"] == role_id, "employee_id"])
        employees = employees[employees["employee_id"].isin(people)]
    elif department is not None:
        employees = employees[employees["department"] == department]
    on = {e: ", ".join(f"{r} #{k}" for r, k in zip(g["role_id"], g["rank"]))
          for e, g in slates.sort_values(["role_id"]).groupby("employee_id")}
    mine = slates[slates["role_id"] == role_id].set_index("employee_id") if role_id is not None else slates.iloc[0:0]
    rows = []
    for e in employees.itertuples(index=False):
        perf, pot = int(e.performance), int(e.potential)
        rows.append(dict(employee_id=e.employee_id, name=e.name, department=e.department,
                         current_role=titles.get(e.role_id, e.role_id), performance=perf, potential=pot,
                         performance_band=PERFORMANCE_BANDS[perf], potential_band=POTENTIAL_BANDS[pot], box=box(perf, pot),
                         slates=on.get(e.employee_id, ""),
                         rank=int(mine.at[e.employee_id, "rank"]) if e.employee_id in mine.index else None,
                         ready_label=mine.at[e.employee_id, "ready_label"] if e.employee_id in mine.index else None))
    df = pd.DataFrame(rows, columns=NINE_BOX_COLUMNS)
    df["rank"] = df["rank"].astype("Int64")
    return df.sort_values(["potential", "performance", "employee_id"], ascending=[False, False, True]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Outliers
# ------------------------------------------------------------------------------------------


class Outliers(BaseModel):
    """What a calibration session should see rather than miss."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    rule: str = Field(default=RATING_RULE, description="When a rating counts as an outlier.")
    ratings: pd.DataFrame = Field(description="Columns employee_id, name, department, rating (performance or potential), "
                                  "value, rest_mean, rest_std (of the rest of the department), z.")
    many_slates: pd.DataFrame = Field(description="People on max_slates_per_employee slates: employee_id, name, "
                                      "department, slates (count), roles ('R-A #1, R-B #2'), cap.")
    single_ready: pd.DataFrame = Field(description="Critical roles with exactly one successor ready when needed: "
                                       "role_id, title, department, need_label, ready_successor, slate (count).")


def outliers(org: Organisation, scenario: Scenario, plan: Optional[Plan] = None) -> Outliers:
    """Ratings far from their department's (:data:`RATING_RULE`), and, of ``plan``: people at the slate
    cap and roles whose bench hangs on one ready successor."""
    employees = org.employees.assign(department=org.employees["department"].fillna("(no department)"))
    rows = []
    for department, people in employees.groupby("department", sort=True):
        if len(people) < MIN_DEPARTMENT:
            continue
        for rating in ("performance", "potential"):
            values = people[rating].astype(float).to_numpy()
            total, squares, n = values.sum(), (values ** 2).sum(), len(values)
            for e, name, x in zip(people["employee_id"], people["name"], values):
                mean = (total - x) / (n - 1)
                std = math.sqrt(max((squares - x * x) / (n - 1) - mean * mean, 0.0))
                z = (x - mean) / max(std, MIN_STD)
                if abs(z) >= Z_LIMIT - 1e-9:
                    rows.append(dict(employee_id=e, name=name, department=department, rating=rating, value=int(x),
                                     rest_mean=round(mean, 2), rest_std=round(std, 2), z=round(z, 2)))
    ratings = pd.DataFrame(rows, columns=["employee_id", "name", "department", "rating", "value", "rest_mean", "rest_std", "z"])
    ratings = ratings.sort_values(["department", "rating", "employee_id"]).reset_index(drop=True)
    many = pd.DataFrame(columns=["employee_id", "name", "department", "slates", "roles", "cap"])
    single = pd.DataFrame(columns=["role_id", "title", "department", "need_label", "ready_successor", "slate"])
    if plan is not None and plan.has_solution:
        slates = plan.slates_df()
        cap = scenario.policy.max_slates_per_employee
        count = slates.groupby("employee_id").size()
        names = employees.set_index("employee_id")
        many = pd.DataFrame([
            dict(employee_id=e, name=names.at[e, "name"], department=names.at[e, "department"], slates=int(n),
                 roles=", ".join(f"{r} #{k}" for r, k in slates.loc[slates["employee_id"] == e, ["role_id", "rank"]]
                                 .sort_values("role_id").itertuples(index=False)), cap=cap)
            for e, n in count.sort_index().items() if n >= cap], columns=many.columns)
        need = PlanContext(org, scenario, slates, plan.learning_df()).need
        roles = org.critical_roles.set_index("role_id")
        out = []
        for role, q in need.sort_index().items():
            mine = slates[slates["role_id"] == role]
            ready = mine[mine["ready_quarter"].notna() & (mine["ready_quarter"].fillna(10**9) <= int(q))]
            if len(ready) == 1:
                out.append(dict(role_id=role, title=roles.at[role, "title"], department=roles.at[role, "department"],
                                need_label=(scenario.quarter_label(int(q)) if q < scenario.horizon_quarters
                                            else "end of horizon"),
                                ready_successor=ready["employee_id"].iloc[0], slate=len(mine)))
        single = pd.DataFrame(out, columns=single.columns)
    return Outliers(ratings=ratings, many_slates=many, single_ready=single)
