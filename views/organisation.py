"""Organisation: the dataset's tables, browsable and editable, checked on every edit with the CLI's rules;
uploads of CSV, Parquet or an Excel workbook; saved only on request, atomically, as a new dataset folder."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from planner import app_support as support
from planner import InputError, TABLES, write_dataset
from views import common

st.title("Organisation")
st.caption("The tables of the organisation's data. Edit cells, add or delete rows, or upload files: every edit is "
           "checked with the same rules as `planner validate`. Nothing is written until you save, and saving creates "
           "a new dataset; the original is never changed.")

ss = st.session_state
datasets = [str(p) for p in support.dataset_folders(common.APP_DIR, common.workspace())]
if "org_dataset" not in ss:
    try:
        ss.org_dataset = common.load_scenario(ss.scenario_path)[1].dataset
    except InputError:
        ss.org_dataset = datasets[0]
if ss.org_dataset not in datasets:
    datasets.insert(0, ss.org_dataset)
sample = datasets[0] if "/data/sample" in datasets[0] else None
labels = {d: ("sample organisation" if d == sample else d.rsplit("/", 1)[-1] + "  ·  your workspace") for d in datasets}
common.synced_selectbox("Dataset", datasets, "org_dataset", "org-dataset-pick", format_func=labels.get,
                        help="The sample, and datasets you saved in the workspace.")

edit = ss.get("org_edit")
if edit is None or edit["path"] != ss.org_dataset:
    try:
        org = common.load_dataset(ss.org_dataset)
    except InputError as exc:
        common.show_issues(exc.issues, "This dataset cannot be read: ")
        st.stop()
    tables = {}
    for name, spec in TABLES.items():
        df = org.table(name)
        tables[name] = (pd.DataFrame({c: pd.Series(dtype=object) for c in spec.row_model.model_fields}) if df is None
                        else df.reset_index(drop=True))
    edit = ss.org_edit = dict(path=ss.org_dataset, tables=tables, version=0, pending={}, changed=set(), uploads=set(),
                              checked=None)


def key(name: str) -> str:
    return f"editor-{name}-{edit['version']}"


def commit(records: dict) -> None:
    """Fold edit records into the working tables and start fresh editors (a new version)."""
    for name, record in records.items():
        if support.has_edits(record):
            before = edit["tables"][name]
            edit["tables"][name] = support.restore_types(support.apply_edits(before, record), before)
            edit["changed"].add(name)
    edit["pending"] = {}
    edit["version"] += 1


# Edits made before leaving the page: their editors are gone, their records are kept.
if any(key(n) not in ss and support.has_edits(r) for n, r in edit["pending"].items()):
    commit(edit["pending"])

records = {name: ss.get(key(name)) for name in TABLES}
candidates = {name: support.apply_edits(edit["tables"][name], r) if support.has_edits(r) else edit["tables"][name]
              for name, r in records.items()}
signature = (edit["version"], json.dumps(records, sort_keys=True, default=str))
if edit["checked"] is None or edit["checked"][0] != signature:
    present = {n: df for n, df in candidates.items() if TABLES[n].required or len(df)}
    frames, issues = support.validate_tables(present)
    edit["checked"] = (signature, frames, issues)
_, frames, issues = edit["checked"]
errors = [i for i in issues if i.severity == "error"]
dirty = bool(edit["changed"]) or any(support.has_edits(r) for r in records.values())

with st.container():  # always here, so that the tables below keep their place (and their open tab)
    upload_result = ss.pop("org_upload_result", None)
    if upload_result:
        kind, text, found = upload_result
        (st.success if kind == "ok" else st.error)(text)
        if found:
            common.show_issues(found)
    if errors:
        common.show_issues(issues, "The edited data has ")
    elif issues:
        common.show_issues(issues, "The data has ")
    elif dirty:
        st.success("Every edit passes validation. Save to keep it as a new dataset.", icon=":material/check_circle:")


def column_config(name: str) -> dict:
    config = {}
    for f in support.field_specs(name):
        common_args = dict(help=f["help"], required=f["required"])
        if f["kind"] == "int":
            config[f["name"]] = st.column_config.NumberColumn(min_value=f["min"], max_value=f["max"], step=1,
                                                              format="%d", **common_args)
        elif f["kind"] == "float":
            config[f["name"]] = st.column_config.NumberColumn(min_value=f["min"], max_value=f["max"], **common_args)
        elif f["kind"] == "bool":
            config[f["name"]] = st.column_config.CheckboxColumn(**common_args)
        elif f["kind"] == "choice":
            config[f["name"]] = st.column_config.SelectboxColumn(options=f["choices"], **common_args)
        else:
            config[f["name"]] = st.column_config.TextColumn(**common_args)
    return config


def problem_rows(name: str, found: list) -> None:
    """The rows of a table that have problems, offending cells in red."""
    located = [i for i in found if i.row is not None]
    if not located:
        return
    positions = sorted({i.row - 1 for i in located})[:200]
    bad = {(i.row - 1, i.column) for i in located}
    rows = support.restore_types(candidates[name].iloc[positions], edit["tables"][name])
    rows.index = pd.Index([p + 1 for p in positions], name="Row")

    def paint(column: pd.Series) -> list[str]:
        return ["background-color: #fde2e1; color: #b3261e; font-weight: 600" if (row - 1, column.name) in bad else ""
                for row in column.index]

    st.markdown(f"**Rows with problems** ({len(positions)}); offending cells in red:")
    plain = rows.style.apply(paint, axis=0).format(lambda v: f"{v:g}" if isinstance(v, float) else v, na_rep="")
    st.dataframe(plain, width="stretch")


by_table = {name: [i for i in issues if i.table == name] for name in TABLES}
for name, tab in zip(TABLES, st.tabs(list(TABLES))):  # stable labels, so the open tab stays open after an edit
    with tab:
        df = edit["tables"][name]
        found = len(by_table[name])
        st.caption(f"{len(df):,} rows. " + ("Optional table. " if not TABLES[name].required else "")
                   + "Hover a column header for what it holds."
                   + (f" :red[**{found} problem{'s' * (found != 1)} in this table.**]" if found else ""))
        st.data_editor(df, key=key(name), column_config=column_config(name), num_rows="dynamic", hide_index=True,
                       width="stretch", height=min(38 + 35 * (len(df) + 1), 420))
        problem_rows(name, by_table[name])
        if support.has_edits(ss.get(key(name))):
            edit["pending"][name] = json.loads(json.dumps(ss[key(name)], default=str))

with st.expander("Upload tables (CSV, Parquet or an Excel workbook)", icon=":material/upload_file:"):
    st.caption("A CSV or Parquet file replaces one table; an .xlsx workbook replaces every table it has a sheet for "
               "(sheets named after the tables). Uploads are checked before they replace anything.")
    target = st.selectbox("The file holds", [None, *TABLES], key="org-upload-table",
                          format_func=lambda t: "the table its file name says (e.g. roles.csv)" if t is None else t)
    upload = st.file_uploader("File", type=["csv", "parquet", "xlsx"], key="org-upload")
    if upload is not None and upload.file_id not in edit["uploads"]:
        edit["uploads"].add(upload.file_id)
        typed, found = support.read_upload(upload.name, upload.getvalue(), target)
        if typed:
            commit(records)
            for name, df in typed.items():
                edit["tables"][name] = df.reset_index(drop=True)
                edit["changed"].add(name)
            text = f"Loaded {', '.join(f'{n} ({len(df):,} rows)' for n, df in typed.items())} from {upload.name}."
            ss.org_upload_result = ("ok", text, found)
        else:
            ss.org_upload_result = ("error", f"Nothing was loaded from {upload.name}.", found)
        st.rerun()

st.subheader("Save")
folder = common.workspace() / "datasets"
taken = {p.rsplit("/", 1)[-1] for p in datasets}
stem = ss.org_dataset.rstrip("/").rsplit("/", 1)[-1]
suggestion = next(n for n in (f"{stem}-edited", *(f"{stem}-edited-{i}" for i in range(2, 1000))) if n not in taken)
cols = st.columns([3, 1, 1], vertical_alignment="bottom")
name = cols[0].text_input("New dataset name", key="org-save-name", placeholder=suggestion,
                          help="Letters, digits, '-', '_' or '.'. Saved in the workspace's datasets folder.").strip()
name = name or suggestion
save = cols[1].button("Save as new dataset", type="primary", icon=":material/save:", key="org-save",
                      disabled=bool(errors) or not dirty,
                      help="Fix every error first." if errors else None if dirty else "Nothing to save yet.")
if cols[2].button("Discard edits", icon=":material/undo:", key="org-discard", disabled=not dirty):
    ss.org_edit = None
    st.rerun()
if save:
    try:
        path = support.inside(folder, name, what="dataset name")
        if path.exists():
            raise ValueError(f"a dataset named {name!r} already exists; choose another name")
        write_dataset({n: df for n, df in frames.items() if TABLES[n].required or len(df)}, path)
    except (ValueError, OSError) as exc:
        st.error(f"Not saved: {exc}")
    else:
        ss.org_dataset = str(path.resolve())
        ss.org_edit = None
        ss.org_saved = str(path.resolve())
        ss.pop("org-save-name", None)
        st.rerun()

saved = ss.get("org_saved")
if saved and saved == ss.org_dataset:
    st.success(f"Saved as `{saved}`. To plan with it, make a scenario that uses it.", icon=":material/check_circle:")
    if st.button("Make a scenario with this data", icon=":material/tune:", key="org-to-scenario"):
        ss.draft_dataset = saved
        ss.draft = None
        st.switch_page(common.PAGES["scenario"])
