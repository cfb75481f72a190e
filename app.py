"""Succession Planner: the app. ``streamlit run app.py`` (pages in views/; logic in planner.app_support)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

APP_DIR = Path(__file__).resolve().parent
if str(APP_DIR) not in sys.path:  # so the pages can import views.common under any runner
    sys.path.insert(0, str(APP_DIR))

from views import common  # noqa: E402

st.set_page_config(page_title="Succession Planner", page_icon=":material/account_tree:", layout="wide")
common.init_session()

pages = {
    "Inputs": [
        st.Page(common.PAGES["organisation"], title="Organisation", icon=":material/groups:"),
        st.Page(common.PAGES["scenario"], title="Scenario", icon=":material/tune:"),
    ],
    "Plans": [
        st.Page(common.PAGES["solve"], title="Solve", icon=":material/play_circle:", default=True),
        st.Page(common.PAGES["plan"], title="Plan", icon=":material/assignment_ind:"),
        st.Page(common.PAGES["review"], title="Talent review", icon=":material/reviews:"),
        st.Page(common.PAGES["careers"], title="Career paths", icon=":material/route:"),
        st.Page(common.PAGES["workforce"], title="Workforce", icon=":material/diversity_3:"),
        st.Page(common.PAGES["compare"], title="Compare", icon=":material/compare_arrows:"),
        st.Page(common.PAGES["export"], title="Export", icon=":material/download:"),
    ],
}
page = st.navigation(pages)

with st.sidebar:
    st.markdown("**Succession Planner**")
    current = Path(st.session_state.scenario_path)
    st.caption(f"Scenario: **{current.stem}**")
    run = st.session_state.get("solve_run")
    if run is not None and run.running:
        st.caption(f":material/hourglass_top: Solving {run.scenario_name}…")
    st.caption(f"Workspace: `{common.workspace()}`")

page.run()
