"""The app in a real browser (Debian's Chromium driven by Playwright), the way a new user meets it: open the
app, solve the baseline with one click, see the slates, make a 20% budget-cut scenario in the forms, solve it,
and compare the two plans. Screenshots go to $BROWSER_SCREENSHOTS (default: a temporary folder).

Skipped unless /usr/bin/chromium (apt-get install chromium chromium-driver fonts-liberation) and the
playwright package are installed; Playwright never downloads a browser here."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from browser_helpers import ROOT, app_server, available, launch, screenshot, wait_idle

pytestmark = pytest.mark.skipif(not available(), reason="needs Debian's Chromium (/usr/bin/chromium) and playwright")

SOLVE_TIMEOUT_MS = 150_000  # one solve of the sample, on a busy 2-core machine
STEP_TIMEOUT_MS = 30_000


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def button(page, text: str):
    return page.locator("button", has_text=re.compile(re.escape(text))).first


def solve(page, scenario: str, shot: Path) -> None:
    """Click Solve, capture the live progress, and wait (bounded) until the plan is solved and saved."""
    button(page, f"Solve {scenario}").click()
    page.get_by_text("Plans found").wait_for(timeout=STEP_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    screenshot(page, shot)
    page.get_by_text(re.compile(rf"Solved {re.escape(scenario)} in \d+ s")).wait_for(timeout=SOLVE_TIMEOUT_MS)
    wait_idle(page)


def test_a_new_user_solves_the_baseline_makes_a_budget_cut_and_compares(tmp_path, shots):
    from playwright.sync_api import expect, sync_playwright

    workspace = tmp_path / "workspace"
    with app_server(workspace, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.goto(url)

            # 1. The app opens on the baseline: one click solves it.
            expect(button(page, "Solve baseline")).to_be_visible()
            screenshot(page, shots / "01-start.png")
            solve(page, "baseline", shots / "02-baseline-solving.png")
            expect(page.get_by_text("Checked and saved as").first).to_be_visible()
            screenshot(page, shots / "03-baseline-solved.png")

            # 2. The plan: KPIs and every critical role's slate.
            button(page, "Open the plan").click()
            expect(page.get_by_role("heading", name="Plan")).to_be_visible()
            expect(page.get_by_text("Thin bench:").first).to_be_visible()
            expect(page.locator("[data-testid=stMetric]", has_text="Coverage")).to_be_visible()
            expect(page.locator("[data-testid=stDataFrame]").first).to_be_visible()
            wait_idle(page)
            screenshot(page, shots / "04-plan-slates.png")

            # 3. A 20% budget cut, made in the Scenario page's forms and saved as a new scenario.
            page.get_by_role("link", name=re.compile("Scenario")).click()
            expect(page.get_by_role("heading", name="What if…")).to_be_visible()
            expect(page.get_by_text("Cut the training budget by (%)").first).to_be_visible()
            button(page, "Add budget cut").click()
            expect(page.get_by_text("Training budget cut 20% (×0.8)", exact=True).first).to_be_visible()
            wait_idle(page)
            screenshot(page, shots / "05-scenario-budget-cut.png")
            button(page, "Save as new scenario").click()
            expect(page.get_by_text("Saved baseline-budget-cut-20.yaml").first).to_be_visible()
            assert (workspace / "scenarios" / "baseline-budget-cut-20.yaml").exists()

            # 4. Solve it.
            button(page, "Solve it now").click()
            expect(button(page, "Solve baseline-budget-cut-20")).to_be_visible()
            solve(page, "baseline-budget-cut-20", shots / "06-budget-cut-solving.png")
            screenshot(page, shots / "07-budget-cut-solved.png")

            # 5. Compare the two plans.
            button(page, "Compare plans").click()
            expect(page.get_by_role("heading", name="KPI deltas")).to_be_visible()
            expect(page.get_by_text("baseline-budget-cut-20 compared with baseline").first).to_be_visible()
            expect(page.get_by_role("heading", name="Slate changes")).to_be_visible()
            expect(page.locator("[data-testid=stPlotlyChart]").first).to_be_visible()
            wait_idle(page)
            screenshot(page, shots / "08-compare.png")
        finally:
            browser.close()
    for name in ("01-start", "02-baseline-solving", "03-baseline-solved", "04-plan-slates", "05-scenario-budget-cut",
                 "06-budget-cut-solving", "07-budget-cut-solved", "08-compare"):
        assert (shots / f"{name}.png").stat().st_size > 10_000


def test_a_workforce_planner_plans_the_technology_growth_workforce_and_sees_supply_and_the_gap(tmp_path, shots):
    """A succession plan of the technology-growth what-if is saved (greedy, through the library); on the Workforce
    page one click plans its workforce, and the supply-against-demand chart and the gap heatmap render."""
    from playwright.sync_api import expect, sync_playwright

    import planner

    workspace = tmp_path / "workspace"
    org, scenario = planner.load(ROOT / "scenarios" / "technology-growth.yaml")
    planner.PlanStore(workspace).save(planner.solve(scenario, org, method="greedy"), name="technology-growth-plan")
    with app_server(workspace, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.goto(url)
            expect(button(page, "Solve baseline")).to_be_visible()
            page.get_by_role("link", name=re.compile("Workforce")).click()
            expect(page.get_by_role("heading", name="Workforce")).to_be_visible()
            expect(page.get_by_text("No saved plan has a workforce plan yet").first).to_be_visible()

            # The technology-growth scenario: its saved succession plan is offered; one click plans its workforce.
            page.locator("[data-testid=stSelectbox]", has_text="Scenario").first.click()
            page.get_by_role("option", name=re.compile("technology-growth")).click()
            expect(page.get_by_text("Succession plan to join").first).to_be_visible()
            button(page, "Plan the workforce").click()
            expect(page.get_by_text("Checked and saved with the succession plan").first).to_be_visible()
            expect(page.locator("[data-testid=stMetric]", has_text="Internal fill rate")).to_be_visible()

            # Supply against demand and the gap heatmap, drawn by Vega.
            charts = page.locator("[data-testid=stVegaLiteChart]")
            for chart in (charts.nth(0), charts.nth(1)):
                expect(chart.locator("canvas, svg").first).to_be_visible()
                box = chart.bounding_box()
                assert box is not None and box["width"] > 300 and box["height"] > 200
            expect(page.get_by_text("Red: short of demand; blue: surplus").first).to_be_visible()
            wait_idle(page)
            screenshot(page, shots / "09-workforce.png")
        finally:
            browser.close()
    assert (shots / "09-workforce.png").stat().st_size > 10_000
    assert planner.PlanStore(workspace).load("technology-growth-plan").workforce.has_solution


def test_a_reviewer_vetoes_a_successor_and_sees_the_price_and_the_audit_entry(tmp_path, shots):
    """A (greedy) baseline plan is saved through the library; on the Talent review page the reviewer picks the
    CFO role, types their name and a rationale and vetoes its first successor: the priced effect's sentence and
    the audit entry appear on the page, and the store holds the entry."""
    from playwright.sync_api import expect, sync_playwright

    import planner

    workspace = tmp_path / "workspace"
    org, scenario = planner.load(ROOT / "scenarios" / "baseline.yaml")
    current = planner.solve(scenario, org, method="greedy")
    planner.PlanStore(workspace).save(current, name="baseline-plan")
    cfo = next(s.employee_id for s in current.slates if s.role_id == "R-FIN-CFO" and s.rank == 1)
    with app_server(workspace, tmp_path / "server.log") as url, sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            expect.set_options(timeout=STEP_TIMEOUT_MS)
            page.goto(url)
            expect(button(page, "Solve baseline")).to_be_visible()
            page.get_by_role("link", name=re.compile("Talent review")).click()
            expect(page.get_by_role("heading", name="Talent review")).to_be_visible()
            page.locator("[data-testid=stSelectbox]", has_text="Critical role").first.click()
            page.get_by_role("option", name=re.compile("R-FIN-CFO")).click()
            wait_idle(page)
            expect(page.get_by_text("9-box of the").first).to_be_visible()
            name = page.get_by_label("Your name", exact=True).and_(page.locator("input"))
            name.fill("Dana Reviewer")
            name.press("Enter")
            wait_idle(page)
            page.get_by_label("Rationale", exact=True).and_(page.locator("textarea")).fill(
                "Needed in Finance through the refinancing.")
            button(page, "Price and record").click()
            result = page.locator("[data-testid=stAlert]", has_text=f"vetoing {cfo} on R-FIN-CFO: ")
            expect(result).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
            wait_idle(page)
            [entry] = planner.PlanStore(workspace).audit_entries()
            assert result.locator("[data-testid=stMarkdownContainer]").inner_text().strip() == entry.effect["sentence"]
            assert re.search(r"total cost \(training .*external hire .*\), covered roles \d+ → \d+ of 32", entry.effect["sentence"])
            expect(page.get_by_text(re.compile(r"Latest entry #1, .* UTC, by Dana Reviewer: vetoing "
                                               + re.escape(f"{cfo} on R-FIN-CFO. Why: Needed in Finance")))).to_be_visible()
            screenshot(page, shots / "10-talent-review.png")
        finally:
            browser.close()
    assert (shots / "10-talent-review.png").stat().st_size > 10_000
    assert (entry.who, entry.plan, entry.rationale) == ("Dana Reviewer", "baseline-plan",
                                                        "Needed in Finance through the refinancing.")
