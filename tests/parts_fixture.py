"""One fixed plan on the controller organisation and the value of each objective part on it, worked
out by hand, shared by the model's and the checker's soft-rule tests.

Weights: training_spend 1, external_hire 1, ready_successor 1,000, candidate_quality 500,
aspiration 300, early_development 10, change_slate 50, change_learning 20; bench depth 3; fair slates
soft, 700 per missing person of group B (Ben).
The plan: Ana first and Ben second on R-MGR (needed in quarter 4), Ana takes I-ADV in quarters
0-1 (5,000) and is ready from quarter 2; R-CTRL (80,000) has no slate. Ben aspires to Finance.
The baseline it re-plans had Ana alone on R-MGR, taking I-ADV from quarter 1.
"""

from __future__ import annotations

from factories import make_org, make_scenario, with_controller_tables
from planner.contract.plan import Kpis, Plan, PlanMeta

PLAN = dict(slates={("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)}, learning={("E-ANA", "I-ADV", 0)})
BASELINE = dict(name="before", slates=[["R-MGR", 1, "E-ANA"]], learning=[["E-ANA", "I-ADV", 1]])

EXPECTED_PARTS = dict(
    plan=PLAN,
    training_spend=5_000.0,
    external_hire=80_000.0,  # R-CTRL uncovered; R-MGR covered by Ana
    ready_successors=-3_000.0,  # Ana ready at rank 1: factor 3 x 1,000
    candidate_quality=-1_900.0,  # (0.88 x 3 + 0.58 x 2) x 500
    aspiration=-300.0,  # Ben on a Finance slate
    early_development=20.0,  # I-ADV ends in quarter 1: 2 quarters x 10
    stability=70.0,  # Ben came in (50), I-ADV moved from quarter 1 to 0 (20)
    fairness_shortfall=700.0,  # soft, group B (Ben), 1 per slate at 700: R-MGR has Ben; R-CTRL (Ben eligible) has nobody
)


def parts_org():
    t = with_controller_tables()
    t["employees"][2]["aspirations"] = "Finance"
    for row, group in zip(t["employees"], ("A", "A", "B")):  # Mia, Ana, Ben: the fairness attribute, an extra column
        row["group"] = group
    return make_org(t)


def parts_scenario():
    return make_scenario(policy=dict(bench_depth=3, fairness=dict(attribute="group", group="B", mode="soft", price=700)),
                         weights=dict(
        training_spend=1, external_hire=1, ready_successor=1_000, candidate_quality=500, aspiration=300,
        early_development=10, change_slate=50, change_learning=20))


def parts_baseline_plan() -> Plan:
    """BASELINE as the Plan that build_problem re-plans from."""
    meta = PlanMeta(scenario="before", dataset="-", input_fingerprint="-", start="2027Q1", horizon_quarters=8,
                    budget_total=50_000, created="-", planner_version="-")
    kpis = Kpis(critical_roles=2, covered_roles=1, coverage=0.5, training_cost=5_000, external_hire_cost=80_000,
                total_cost=85_000, bench_strength=0.5, budget_used_share=0.1, status="FEASIBLE")
    return Plan(meta=meta, kpis=kpis, slates=[dict(role_id="R-MGR", rank=1, employee_id="E-ANA", ready_quarter=3,
                                                   readiness="ready_1_year")],
                learning=[dict(employee_id="E-ANA", intervention_id="I-ADV", start_quarter=1, end_quarter=2, cost=5_000)])
