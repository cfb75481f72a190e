"""The plan store: a workspace folder holding every saved plan and a SQLite catalogue of them.

Layout::

    <root>/catalogue.sqlite        one row per plan (name, scenario, fingerprint, created, status, KPIs JSON),
                                   the audit trail and the endorsements (both append-only)
    <root>/plans/<name>~<token>/   slates.parquet, learning.parquet, kpis.json, plan.json, scenario.json
    <root>/endorsed/<name>~<token>/  frozen copies of endorsed plans, laid out like a plan's folder
    <root>/trash/                  folders being removed

Crash safety. The catalogue row is the commit point: a plan exists exactly when its row does, and a
row is only ever written after its folder is complete and fsynced. Each save writes a fresh folder
(a unique ``~token`` suffix), so an overwrite never touches the folder a row points to; the row is
switched to the new folder in one SQLite transaction and the old folder is removed afterwards. A
kill or a full disk at any moment therefore leaves, at worst, a folder no row references: readers
never see it (they go through the catalogue) and :meth:`PlanStore.recover` deletes it. SQLite
(WAL mode, ``synchronous=FULL``) makes the row write itself atomic and durable.

Concurrency. A save holds the catalogue's write lock (``BEGIN IMMEDIATE``) from the name check to
the commit, so concurrent saves serialise instead of racing for a name, and ``recover`` (which takes
the same lock) can never mistake a save in progress for an orphan. The OS drops the lock when a
process dies. Readers are never blocked (WAL); lock waits use SQLite's busy timeout plus retries.

Audit trail and endorsements. :meth:`PlanStore.record` appends one row to the ``audit`` table (who,
when in UTC, what, why and the change's priced effect as JSON); :meth:`PlanStore.endorse` copies a
saved plan into ``endorsed/`` (written and fsynced first, the ``endorsed`` row is the commit point,
as for a save) and appends its row. Both tables are append-only: the store has no method that
changes or removes a row, and SQLite triggers abort any UPDATE or DELETE on them, so not even a
stray SQL statement rewrites the record. No save, overwrite or delete touches ``endorsed/``.

Names. A plan name passes :func:`planner.contract.paths.check_name` (1-80 printable characters
starting with a letter or digit, no path separator, ``..`` or control character); it is the only user text that becomes part of a
path here, so nothing can land outside the workspace.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from itertools import chain, count
from pathlib import Path
from typing import Any, Optional, TypeVar

import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.paths import check_name
from planner.contract.plan import Plan, read_plan, write_plan

_TOKEN = re.compile(r"~[0-9a-f]{12}")


def _plain_folder(folder: str) -> bool:
    """A plan folder's name as :meth:`PlanStore.save` makes it: a valid plan name, ``~`` and a token."""
    if not isinstance(folder, str):
        return False
    name, token = folder[:-13], folder[-13:]
    if not _TOKEN.fullmatch(token):
        return False
    try:
        check_name(name)
    except ValueError:
        return False
    return True


class StoreError(ValueError):
    """The workspace's catalogue cannot be used (not a SQLite database, or damaged): a message naming
    the file and what to do, for the CLI and the app to show as an input error."""


_DAMAGE = ("no such table", "no such column", "not a database", "malformed", "unable to open", "datatype mismatch")


def _as_store_error(exc: sqlite3.DatabaseError, db: Path) -> Exception:
    """A catalogue error the user can act on as a StoreError naming the file; anything else (a disk
    error, say) as it is."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and any(w in text for w in ("locked", "busy")):
        return StoreError(f"the workspace's catalogue {db} is busy: another planner process holds it ({text}); try again")
    if any(w in text for w in _DAMAGE):
        return StoreError(f"the workspace's catalogue {db} cannot be read ({text}): it is damaged or was changed by "
                          f"something other than the planner. Restore it from a backup, or move the whole workspace "
                          f"aside and start a new one (each folder in {db.parent / 'plans'} is still a plan folder "
                          f"that commands taking a plan folder can read); nothing in it was changed")
    return exc


_KPI_COLUMNS = ["status", "coverage", "covered_roles", "critical_roles", "training_cost", "total_cost", "gap", "objective"]
LIST_COLUMNS = ["name", "scenario", "fingerprint", "created", *_KPI_COLUMNS]
_BUSY_TIMEOUT_S = 10.0
_RETRIES = 6
_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    name        TEXT PRIMARY KEY,
    folder      TEXT NOT NULL UNIQUE,
    scenario    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created     TEXT NOT NULL,
    status      TEXT NOT NULL,
    kpis_json   TEXT NOT NULL,
    saved       TEXT NOT NULL
)
"""

# The audit trail and the endorsements: append-only, enforced by triggers as well as by the API.
_APPEND_ONLY = ("audit", "endorsed")
_REVIEW_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded    TEXT NOT NULL,
    who         TEXT NOT NULL,
    plan        TEXT NOT NULL,
    change      TEXT NOT NULL,
    rationale   TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    effect_json TEXT NOT NULL,
    result      TEXT
);
CREATE TABLE IF NOT EXISTS endorsed (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    plan        TEXT NOT NULL,
    folder      TEXT NOT NULL UNIQUE,
    endorsed    TEXT NOT NULL,
    who         TEXT NOT NULL,
    rationale   TEXT NOT NULL,
    scenario    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created     TEXT NOT NULL,
    kpis_json   TEXT NOT NULL
);
""" + "".join(
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END;\n"
    for table in _APPEND_ONLY for verb in ("update", "delete")
)
AUDIT_COLUMNS = ["seq", "recorded", "who", "plan", "change", "rationale", "result", "detail", "effect"]
ENDORSED_COLUMNS = ["seq", "plan", "endorsed", "who", "rationale", "scenario", "fingerprint", "created",
                    "coverage", "covered_roles", "total_cost"]
MAX_TEXT = 2_000  # characters of a name or rationale kept in the audit trail

T = TypeVar("T")


class AuditEntry(BaseModel):
    """One row of the audit trail: a change made in a talent review, with its priced effect."""

    seq: int = Field(description="Position in the trail (1, 2, ...), in the order recorded.")
    recorded: str = Field(description="When it was recorded (UTC, ISO 8601).")
    who: str = Field(description="Who made the change (the reviewer's login or the name they typed).")
    plan: str = Field(description="The saved plan the change was made on.")
    change: str = Field(description="What changed, in words (e.g. 'vetoing E00042 on R-FIN-CFO').")
    rationale: str = Field(description="Why, as the reviewer gave it.")
    detail: dict[str, Any] = Field(default_factory=dict, description="The change as data (its kind and fields).")
    effect: dict[str, Any] = Field(default_factory=dict, description="Its priced effect: money and coverage deltas, "
                                   "the decisions that moved, the sentence shown.")
    result: Optional[str] = Field(default=None, description="The saved plan the change produced, if one was saved.")


class Endorsement(BaseModel):
    """A plan marked as agreed: a frozen copy of it in the store."""

    seq: int = Field(description="Position among the endorsements (the latest has the highest).")
    plan: str = Field(description="Name of the saved plan endorsed (the copy stays even if that plan is overwritten or deleted).")
    endorsed: str = Field(description="When it was endorsed (UTC, ISO 8601).")
    who: str = Field(description="Who endorsed it.")
    rationale: str = Field(description="Why, or what was agreed.")
    scenario: str = Field(description="The plan's scenario.")
    fingerprint: str = Field(description="The plan's input fingerprint.")
    created: str = Field(description="When the plan was made (UTC).")
    kpis: dict[str, Any] = Field(description="The plan's KPIs at endorsement.")


def _text(value: object, what: str) -> str:
    """A name or rationale for the audit trail: text with something in it, at most MAX_TEXT characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} is required (some text)")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{what} is too long: {len(value)} characters (at most {MAX_TEXT})")
    return value.strip()


def _retry(action: Callable[[], T]) -> T:
    """Run ``action``, retrying with backoff while SQLite reports the database locked or busy."""
    for attempt in range(_RETRIES - 1):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not any(word in str(exc) for word in ("locked", "busy")):
                raise
            time.sleep(0.05 * 2**attempt)
    return action()


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk (folders only where the OS allows it)."""
    if path.is_dir() and os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def default_name(plan: Plan) -> str:
    """``<scenario>-<created as YYYYMMDDTHHMMSSZ>``, made safe and short enough to be a plan name."""
    try:
        created = datetime.fromisoformat(plan.meta.created)
    except ValueError:
        created = datetime.now(timezone.utc)
    if created.tzinfo is not None:
        created = created.astimezone(timezone.utc)
    stamp = created.strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", plan.meta.scenario).strip("-._")[: 80 - len(stamp) - 5] or "plan"
    return f"{slug}-{stamp}"


class PlanStore:
    """Saved plans in a workspace folder, catalogued in SQLite; safe against kills and concurrent saves."""

    def __init__(self, root: str | Path) -> None:
        """Open the workspace at ``root``, creating its folders and catalogue if needed."""
        self.root = Path(root)
        self._plans = self.root / "plans"
        self._trash = self.root / "trash"
        self._endorsed = self.root / "endorsed"
        self._db = self.root / "catalogue.sqlite"
        try:
            self._plans.mkdir(parents=True, exist_ok=True)
            self._trash.mkdir(exist_ok=True)
            self._endorsed.mkdir(exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise StoreError(f"{self.root} is not a workspace the planner can use ({exc.strerror}: {exc.filename}): "
                             "give a new folder, or the planner's own workspace") from None
        with closing(self._connect()) as con:
            try:
                _retry(lambda: con.execute("PRAGMA journal_mode=WAL"))
                _retry(lambda: con.execute(_SCHEMA))
                _retry(lambda: con.executescript(_REVIEW_SCHEMA))
            except sqlite3.DatabaseError as exc:
                raise _as_store_error(exc, self._db) from None

    def save(self, plan: Plan, name: str | None = None, overwrite: bool = False) -> str:
        """Save ``plan`` as ``name`` and return the name.

        Without a name, ``<scenario>-<created>`` is used (with ``-2``, ``-3``... if taken). An existing
        name raises FileExistsError unless ``overwrite``. Either the whole plan is saved or nothing is.
        """
        if name is not None:
            check_name(name, "plan name")
        folder = old = None
        try:
            with self._write() as con:
                if name is None:
                    base = default_name(plan)
                    candidates = chain([base], (f"{base}-{i}" for i in count(2)))
                    name = next(n for n in candidates if not self._lookup(con, n))
                old = self._lookup(con, name)
                if old and not overwrite:
                    raise FileExistsError(f"a plan named {name!r} already exists in {self.root} (use overwrite to replace it)")
                folder = f"{name}~{secrets.token_hex(6)}"
                self._write_folder(plan, self._plans / folder)
                self._catalogue(con, name, folder, plan)
        except BaseException:
            if folder:
                self._discard(self._plans / folder)
            raise
        if old:
            self._discard(self._plans / old)
        return name

    def list(self) -> pd.DataFrame:
        """One row per saved plan, newest first: name, scenario, fingerprint, created, status and headline KPIs."""
        sql = "SELECT name, scenario, fingerprint, created, kpis_json FROM plans ORDER BY created DESC, rowid DESC"
        rows = self._query(lambda con: con.execute(sql).fetchall())
        records = []
        for name, scenario, fingerprint, created, kpis_json in rows:
            try:
                kpis = json.loads(kpis_json)
            except (TypeError, ValueError):
                kpis = None
            if not isinstance(kpis, dict):
                raise StoreError(f"the catalogue {self._db} holds damaged KPIs for the plan {name!r}")
            records.append(
                dict(name=name, scenario=scenario, fingerprint=fingerprint, created=created,
                     **{c: kpis.get(c) for c in _KPI_COLUMNS})
            )
        return pd.DataFrame(records, columns=LIST_COLUMNS)

    def load(self, name: str) -> Plan:
        """The plan saved as ``name``; KeyError if there is none."""
        folder = self._folder(name)
        try:
            return read_plan(self._plans / folder)
        except FileNotFoundError:
            if self._folder(name) == folder:  # KeyError if it was deleted meanwhile
                raise
            return self.load(name)  # overwritten meanwhile: read the new version

    def path(self, name: str) -> Path:
        """The folder holding the plan saved as ``name``; KeyError if there is none."""
        return self._plans / self._folder(name)

    def delete(self, name: str) -> None:
        """Delete the plan saved as ``name`` (its catalogue row, then its folder); KeyError if there is none."""
        with self._write() as con:
            folder = self._folder(name, con)
            con.execute("DELETE FROM plans WHERE name = ?", (name,))
        self._discard(self._plans / folder)

    def recover(self) -> list[str]:
        """Remove what interrupted saves, endorsements and deletes left behind (folders no row
        references, trash); never a saved plan or an endorsed copy.

        Returns the removed entries as paths relative to the workspace root.
        """
        with self._write() as con:
            referenced = {row[0] for row in con.execute("SELECT folder FROM plans")}
            frozen = {row[0] for row in con.execute("SELECT folder FROM endorsed")}
            leftovers = [p for p in self._plans.iterdir() if p.name not in referenced]
            leftovers += [p for p in self._endorsed.iterdir() if p.name not in frozen]
            cleaned = [p.relative_to(self.root).as_posix() for p in (*leftovers, *self._trash.iterdir())]
            for path in leftovers:
                self._discard(path)
        for path in self._trash.iterdir():
            _remove(path)
        return sorted(cleaned)

    # -- the audit trail and endorsements (append-only) ------------------------------------------

    def record(self, who: str, plan: str, change: str, rationale: str, detail: Optional[dict] = None,
               effect: Optional[dict] = None, result: Optional[str] = None) -> AuditEntry:
        """Append one change to the audit trail and return it as recorded (committed and on disk when
        this returns). ``detail`` is the change as data, ``effect`` its priced effect (JSON-able
        dicts); ``result`` the saved plan it produced. There is no way to change or remove an entry."""
        who, change, rationale = _text(who, "who"), _text(change, "the change"), _text(rationale, "a rationale")
        plan = _text(plan, "the plan")
        detail_json = json.dumps(detail or {}, sort_keys=True, allow_nan=False)
        effect_json = json.dumps(effect or {}, sort_keys=True, allow_nan=False)
        recorded = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._write() as con:
            seq = con.execute(
                "INSERT INTO audit (recorded, who, plan, change, rationale, detail_json, effect_json, result) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (recorded, who, plan, change, rationale, detail_json, effect_json, result)).lastrowid
        return AuditEntry(seq=seq, recorded=recorded, who=who, plan=plan, change=change, rationale=rationale,
                          detail=detail or {}, effect=effect or {}, result=result)

    def audit_entries(self, plan: Optional[str] = None) -> list[AuditEntry]:
        """The audit trail in the order recorded (only the changes made on ``plan``, if given)."""
        sql = "SELECT seq, recorded, who, plan, change, rationale, detail_json, effect_json, result FROM audit"
        args: tuple = ()
        if plan is not None:
            sql, args = sql + " WHERE plan = ?", (plan,)
        rows = self._query(lambda con: con.execute(sql + " ORDER BY seq", args).fetchall())
        out = []
        for seq, recorded, who, on, change, rationale, detail, effect, result in rows:
            try:
                detail, effect = json.loads(detail), json.loads(effect)
            except ValueError:
                raise StoreError(f"the catalogue {self._db} holds a damaged audit entry (#{seq})") from None
            out.append(AuditEntry(seq=seq, recorded=recorded, who=who, plan=on, change=change, rationale=rationale,
                                  detail=detail, effect=effect, result=result))
        return out

    def audit_trail(self, plan: Optional[str] = None) -> pd.DataFrame:
        """:meth:`audit_entries` as a table, newest first (columns AUDIT_COLUMNS)."""
        entries = self.audit_entries(plan)[::-1]
        return pd.DataFrame([e.model_dump() for e in entries], columns=AUDIT_COLUMNS)

    def endorse(self, name: str, who: str, rationale: str) -> Endorsement:
        """Mark the saved plan ``name`` as agreed: freeze a copy of it (which no later save, overwrite or
        delete touches) and append the endorsement. KeyError if there is no such plan."""
        who, rationale = _text(who, "who"), _text(rationale, "a rationale")
        folder = None
        try:
            with self._write() as con:
                plan = read_plan(self._plans / self._folder(name, con))
                folder = f"{name}~{secrets.token_hex(6)}"
                self._write_folder(plan, self._endorsed / folder)
                when = datetime.now(timezone.utc).isoformat(timespec="seconds")
                seq = con.execute(
                    "INSERT INTO endorsed (plan, folder, endorsed, who, rationale, scenario, fingerprint, created, "
                    "kpis_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (name, folder, when, who, rationale, plan.meta.scenario, plan.meta.input_fingerprint,
                     plan.meta.created, plan.kpis.model_dump_json())).lastrowid
        except BaseException:
            if folder:
                self._discard(self._endorsed / folder)
            raise
        return Endorsement(seq=seq, plan=name, endorsed=when, who=who, rationale=rationale, scenario=plan.meta.scenario,
                           fingerprint=plan.meta.input_fingerprint, created=plan.meta.created, kpis=plan.kpis.model_dump())

    def endorsements(self) -> list[Endorsement]:
        """Every endorsement, oldest first."""
        sql = ("SELECT seq, plan, endorsed, who, rationale, scenario, fingerprint, created, kpis_json FROM endorsed "
               "ORDER BY seq")
        rows = self._query(lambda con: con.execute(sql).fetchall())
        out = []
        for seq, plan, when, who, rationale, scenario, fingerprint, created, kpis in rows:
            try:
                kpis = json.loads(kpis)
            except ValueError:
                raise StoreError(f"the catalogue {self._db} holds damaged KPIs for endorsement #{seq}") from None
            out.append(Endorsement(seq=seq, plan=plan, endorsed=when, who=who, rationale=rationale, scenario=scenario,
                                   fingerprint=fingerprint, created=created, kpis=kpis))
        return out

    def endorsement_list(self) -> pd.DataFrame:
        """:meth:`endorsements` as a table, newest first (columns ENDORSED_COLUMNS)."""
        rows = [dict(e.model_dump(exclude={"kpis"}), **{k: e.kpis.get(k) for k in ("coverage", "covered_roles", "total_cost")})
                for e in self.endorsements()[::-1]]
        return pd.DataFrame(rows, columns=ENDORSED_COLUMNS)

    def load_endorsed(self, seq: Optional[int] = None) -> Plan:
        """The frozen copy of endorsement ``seq`` (default: the latest); KeyError if there is none."""
        sql = "SELECT folder FROM endorsed " + ("WHERE seq = ?" if seq is not None else "ORDER BY seq DESC LIMIT 1")
        row = self._query(lambda con: con.execute(sql, () if seq is None else (seq,)).fetchone())
        if row is None:
            raise KeyError(f"no endorsed plan in {self.root}" if seq is None else f"no endorsement #{seq} in {self.root}")
        if not _plain_folder(row[0]):
            raise StoreError(f"the endorsement names an invalid folder {row[0]!r}: the catalogue was edited by "
                             "something other than the planner")
        return read_plan(self._endorsed / row[0])

    # -- internals -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self._db, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise _as_store_error(exc, self._db) from None
        try:
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA schema_version").fetchone()  # reads the header: a file that is no database fails here
        except sqlite3.DatabaseError as exc:
            con.close()
            raise _as_store_error(exc, self._db) from None
        return con

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the catalogue's write lock; committed on success, else rolled back."""
        con = self._connect()
        try:
            _retry(lambda: con.execute("BEGIN IMMEDIATE"))
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise _as_store_error(exc, self._db) from None
                raise
        except sqlite3.DatabaseError as exc:  # BEGIN itself
            raise _as_store_error(exc, self._db) from None
        finally:
            con.close()

    def _query(self, action: Callable[[sqlite3.Connection], T]) -> T:
        """Run a read-only ``action`` on a fresh connection, retrying while the catalogue is locked; a
        catalogue whose table is not the planner's is a StoreError."""
        with closing(self._connect()) as con:
            try:
                return _retry(lambda: action(con))
            except sqlite3.DatabaseError as exc:
                raise _as_store_error(exc, self._db) from None

    @staticmethod
    def _lookup(con: sqlite3.Connection, name: str) -> str | None:
        """The folder of ``name`` (checked to be a plain folder name), or None if there is no such plan."""
        row = con.execute("SELECT folder FROM plans WHERE name = ?", (name,)).fetchone()
        if row and not _plain_folder(row[0]):
            raise StoreError(f"catalogue entry for {name!r} names an invalid folder {row[0]!r}: the catalogue was edited "
                             "by something other than the planner")
        return row[0] if row else None

    def _folder(self, name: str, con: sqlite3.Connection | None = None) -> str:
        """The folder of ``name``; KeyError if there is no such plan."""
        folder = self._lookup(con, name) if con else self._query(lambda reader: self._lookup(reader, name))
        if folder is None:
            raise KeyError(f"no plan named {name!r} in {self.root}")
        return folder

    def _write_folder(self, plan: Plan, out: Path) -> None:
        """Write the complete plan folder at ``out`` and flush it to disk."""
        write_plan(plan, out, fmt="parquet")
        scenario = out / "scenario.json"
        scenario.write_text(json.dumps(plan.meta.scenario_settings, indent=2) + "\n")
        for path in (scenario, out, out.parent):
            _fsync(path)

    def _catalogue(self, con: sqlite3.Connection, name: str, folder: str, plan: Plan) -> None:
        """Insert (or replace) the catalogue row of ``name``; runs inside the save's transaction."""
        con.execute(
            "INSERT OR REPLACE INTO plans (name, folder, scenario, fingerprint, created, status, kpis_json, saved) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, folder, plan.meta.scenario, plan.meta.input_fingerprint, plan.meta.created, plan.kpis.status,
             plan.kpis.model_dump_json(), datetime.now(timezone.utc).isoformat()),
        )

    def _discard(self, path: Path) -> None:
        """Remove a folder (or file): rename it into the trash first, so it vanishes from plans/ at once."""
        if not os.path.lexists(path):
            return
        doomed = self._trash / f"{path.name}.{secrets.token_hex(4)}"
        os.replace(path, doomed)
        _remove(doomed)
