"""Career paths: for anyone in a saved plan's organisation, the cheapest and the fastest development
path to a role (a timeline and its milestones), the roles within their reach by a quarter, and their
individual development plan: statuses, check-in notes, save, and what it feeds into the next re-plan."""

from __future__ import annotations

import datetime
from pathlib import Path

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

import planner
from planner import InputError
from planner import app_support as support
from planner.app_support import careers
from views import common

st.title("Career paths")
name = common.plan_picker("careers-plan")
plan = common.load_plan(name)
org = common.plan_org(plan)
scenario = support.plan_scenario(plan)
meta = plan.meta
labels = [scenario.quarter_label(q) for q in range(meta.horizon_quarters + 1)]
st.caption(f"Paths use the organisation and rules of scenario **{meta.scenario}** ({meta.start} – "
           f"{labels[-1]}) and only the seats plan **{name}** leaves free. Amounts in {support.MONEY}.")

people = careers.people_labels(org, plan)
left, right, third = st.columns([2, 2, 1])
who = left.selectbox("Employee", list(people), format_func=people.get, key="careers-employee",
                     help="People on the plan's slates first, then everyone by name.")
roles = careers.role_labels(org, who, plan)
target = right.selectbox("Target role", list(roles), format_func=roles.get, key="careers-role",
                         help="The person's slate roles first, then critical roles, then every other role.")
tenure = third.number_input("Quarters in each new role", min_value=1, max_value=meta.horizon_quarters,
                            value=planner.DEFAULT_MIN_TENURE, key="careers-tenure",
                            help="Quarters a person holds each role they move into before the next move.")

tabs = st.tabs(["Paths", "Roles within reach", "Development plan (IDP)"])

with tabs[0]:
    key = (name, meta.created, who, target, int(tenure))
    if st.button("Find the cheapest and the fastest path", key="careers-find", type="primary"):
        with st.spinner("Searching every development path…"):
            try:
                st.session_state["careers-paths"] = (key, planner.career_path(org, scenario, who, target, plan=plan,
                                                                               min_tenure=int(tenure)))
            except InputError as exc:
                common.show_issues(exc.issues)
    found = st.session_state.get("careers-paths")
    if found is None or found[0] != key:
        st.info("Pick a person and a role, then find their paths: role moves the slate rules allow, learning within "
                "their hours, prerequisites, start windows and the seats the plan leaves free.")
    else:
        answer = found[1]
        if not answer.found:
            st.error(f"**No path within the horizon:** {answer.reason}.")
        else:
            same = answer.cheapest.learning == answer.fastest.learning and answer.cheapest.moves == answer.fastest.moves
            cols = st.columns(4)
            cols[0].metric("Cheapest: ready", answer.cheapest.ready_label, border=True)
            cols[1].metric("Cheapest: cost", common.money(answer.cheapest.total_cost), border=True)
            cols[2].metric("Fastest: ready", answer.fastest.ready_label, border=True)
            cols[3].metric("Fastest: cost", common.money(answer.fastest.total_cost), border=True)
            st.caption(f"{answer.gap} level(s) short of the role today. " +
                       ("The fastest path is the cheapest one." if same else
                        "The fastest path costs more and is ready sooner."))
            shown = [("Cheapest path", answer.cheapest)] + ([] if same else [("Fastest path", answer.fastest)])
            for title, path in shown:
                st.subheader(title)
                bars, marks = careers.path_frames(path, meta.start)
                if len(bars):
                    fig = px.timeline(bars, x_start="Start", x_end="Finish", y="Intervention", color="Kind",
                                      hover_data={"Quarters": True, "Cost": ":,.0f", "Raises": True, "Start": False,
                                                  "Finish": False, "Kind": False, "Intervention": False})
                else:
                    fig = go.Figure()
                for kind, label, symbol, colour in (("move", "Moves into a role", "circle", "#1d5fa7"),
                                                    ("ready", "Ready for the target", "diamond", "#1b7f3b")):
                    part = marks[marks["Kind"] == kind]
                    if len(part):
                        fig.add_scatter(x=part["Date"], y=part["Milestone"], mode="markers", name=label,
                                        marker=dict(size=14, symbol=symbol, color=colour, line=dict(width=1, color="white")),
                                        customdata=part[["Label"]], hovertemplate="%{y}: %{customdata[0]}<extra></extra>")
                fig.update_layout(height=160 + 40 * (len(bars) + len(marks)), margin=dict(l=10, r=10, t=40, b=10),
                                  title=f"{title}: ready {path.ready_label}, {common.money(path.total_cost)} {support.MONEY}",
                                  legend_title_text="")
                fig.update_xaxes(title="Calendar quarter", range=[support.quarter_start(labels[0]),
                                                                  support.quarter_start(labels[-1])],
                                 dtick="M3", tickformat="Q%q<br>%Y")
                fig.update_yaxes(title="Intervention / milestone", autorange="reversed")
                st.plotly_chart(fig, key=f"careers-chart-{path.objective}")
                st.dataframe(careers.milestones_table(path), hide_index=True, width="stretch",
                             key=f"careers-milestones-{path.objective}")

with tabs[1]:
    by = st.select_slider("Ready by", options=labels, value=labels[min(4, len(labels) - 1)], key="careers-by",
                          help="Roles the person can be ready for (moved into) by the start of this quarter.")
    reach_key = (name, meta.created, who, by, int(tenure))
    if st.button("Show roles within reach", key="careers-reach"):
        with st.spinner("Searching paths to every role…"):
            st.session_state["careers-reach-result"] = (reach_key, planner.roles_within_reach(
                org, scenario, who, labels.index(by), plan=plan, min_tenure=int(tenure)))
    reach = st.session_state.get("careers-reach-result")
    if reach is not None and reach[0] == reach_key:
        table = careers.reach_table(reach[1])
        if table.empty:
            st.warning(f"No role is within reach by {by}.")
        else:
            st.markdown(f"**{len(table)} role(s)** within reach by {by}: the closest (smallest gap today) first, "
                        "then the cheapest path.")
            st.dataframe(table, hide_index=True, width="stretch", key="careers-reach-table",
                         column_config={"Cost": st.column_config.NumberColumn(f"Cost ({support.MONEY})", format="localized")})

with tabs[2]:
    workspace = common.workspace()
    drafts = st.session_state.setdefault("careers-idp", {})  # (plan, employee) -> (IDP being edited, from another plan)
    draft = (name, who)
    if draft not in drafts:
        try:
            drafts[draft] = careers.open_idp(workspace, plan, name, org, who)
        except planner.IdpError as exc:
            st.error(str(exc))
            st.stop()
    idp, other_plan = drafts[draft]
    if other_plan:
        st.info(f"This IDP was made from plan **{idp.plan_name}**. Follow plan **{name}** instead: its interventions "
                "and milestones, keeping the statuses and notes they share.")
        if st.button(f"Follow plan {name}", key="careers-idp-follow"):
            drafts[draft] = (planner.development_plan(plan, name, org, who, previous=idp), False)
            st.rerun()
    st.caption(f"From plan **{idp.plan_name}** · " + (f"saved {idp.revision} time(s), last "
                                                      f"{idp.updated[:16].replace('T', ' ')} UTC" if idp.revision
                                                      else "not saved yet"))
    statuses = list(planner.IDP_STATUSES)
    chosen_items, chosen_milestones = {}, {}
    st.markdown("**Interventions**")
    if not idp.items:
        st.caption("The plan gives this person no learning.")
    for n, it in enumerate(idp.items):
        a, b = st.columns([4, 1])
        a.markdown(f"{it.intervention_id} {it.name} · {it.start_label}–{it.end_label} · "
                   f"{common.money(it.cost)} {support.MONEY}")
        chosen_items[it.intervention_id] = b.selectbox("Status", statuses, index=statuses.index(it.status),
                                                       format_func=careers.STATUS_LABELS.get, key=f"careers-item-{who}-{n}",
                                                       label_visibility="collapsed")
    st.markdown("**Milestones**")
    if not idp.milestones:
        st.caption("This person sits on no slate in the plan.")
    for n, m in enumerate(idp.milestones):
        a, b = st.columns([4, 1])
        a.markdown(f"{m.label or '–'} · {m.text}")
        chosen_milestones[m.milestone_id] = b.selectbox("Status", statuses, index=statuses.index(m.status),
                                                        format_func=careers.STATUS_LABELS.get,
                                                        key=f"careers-milestone-{who}-{n}", label_visibility="collapsed")
    st.markdown("**Check-in notes**")
    for note in idp.notes:
        st.markdown(f"*{note.date}, {note.author}:* {note.text}")
    with st.form("careers-note", clear_on_submit=True):
        c1, c2 = st.columns([1, 1])
        author = c1.text_input("Author", key="careers-note-author")
        day = c2.date_input("Date", value=datetime.date.today(), key="careers-note-date")
        text = st.text_area("Note", key="careers-note-text")
        if st.form_submit_button("Add note"):
            try:
                note = planner.check_in(author, text, day)
            except planner.IdpError as exc:
                st.error(f"The note needs an author and a text: {exc}")
            else:
                idp = idp.model_copy(update={"notes": [*idp.notes, note]})
                drafts[draft] = (idp, other_plan)
                st.rerun()
    edited = careers.with_statuses(idp, chosen_items, chosen_milestones)
    if st.button("Save the development plan", key="careers-idp-save", type="primary"):
        try:
            saved = planner.save_idp(workspace, edited)
        except planner.IdpError as exc:
            st.error(str(exc))
        else:
            drafts[draft] = (saved, other_plan)
            st.success(f"Saved {who}'s development plan (revision {saved.revision}) in the workspace.")
            edited = saved
    with st.expander("What this plan feeds into the next re-plan"):
        feed = planner.replan_feed([edited], org, scenario)
        table = careers.feed_table(feed, org, scenario.start)
        if table.empty:
            st.caption("Nothing yet: finished interventions raise the person's levels, ones in progress are locked at "
                       "their start, and dropped ones free their seats.")
        else:
            st.dataframe(table, hide_index=True, width="stretch", key="careers-feed")
            base_file = Path(meta.scenario_file) if meta.scenario_file else None
            if base_file is None or not base_file.is_file():
                st.caption("The plan records no scenario file to extend, so a re-plan scenario cannot be saved from here.")
            else:
                new_name = st.text_input("Re-plan scenario name", value=f"{meta.scenario}-development-updates",
                                         key="careers-replan-name", help="A new scenario in the workspace that extends "
                                         "the plan's scenario with what every saved development plan feeds (not only "
                                         "this person's); solve it on the Solve page.")
                if st.button("Save as a re-plan scenario", key="careers-replan-save"):
                    path, issues, fed = careers.save_replan_scenario(common.workspace(), base_file, scenario, org, new_name)
                    if path is None:
                        for issue in issues:
                            st.error(str(issue))
                    else:
                        st.session_state.scenario_path = str(path)
                        st.success(f"Saved **{path.name}** ({len(fed.changes)} change(s), {len(fed.locks)} lock(s) from "
                                   "the saved development plans) and made it the current scenario: solve it on the Solve page.")
