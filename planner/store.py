"""The plan store: a workspace folder holding every saved plan and a SQLite catalogue of them.

Layout::

    <root>/catalogue.sqlite        one row per plan (name, scenario, fingerprint, created, status, KPIs JSON)
    <root>/plans/<name>~<token>/   slates.parquet, learning.parquet, kpis.json, plan.json, scenario.json
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
from typing import TypeVar

import pandas as pd

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

T = TypeVar("T")


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
        self._db = self.root / "catalogue.sqlite"
        try:
            self._plans.mkdir(parents=True, exist_ok=True)
            self._trash.mkdir(exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise StoreError(f"{self.root} is not a workspace the planner can use ({exc.strerror}: {exc.filename}): "
                             "give a new folder, or the planner's own workspace") from None
        with closing(self._connect()) as con:
            try:
                _retry(lambda: con.execute("PRAGMA journal_mode=WAL"))
                _retry(lambda: con.execute(_SCHEMA))
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
        """Remove what interrupted saves and deletes left behind (folders no row references, trash).

        Returns the removed entries as paths relative to the workspace root.
        """
        with self._write() as con:
            referenced = {row[0] for row in con.execute("SELECT folder FROM plans")}
            leftovers = [p for p in self._plans.iterdir() if p.name not in referenced]
            cleaned = [p.relative_to(self.root).as_posix() for p in (*leftovers, *self._trash.iterdir())]
            for path in leftovers:
                self._discard(path)
        for path in self._trash.iterdir():
            _remove(path)
        return sorted(cleaned)

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
        for path in (scenario, out, self._plans):
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
