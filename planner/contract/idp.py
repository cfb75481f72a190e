"""Individual development plans (IDPs): one person's interventions and milestones from a saved plan,
each with a status their manager keeps up to date, and dated check-in notes.

An IDP is a JSON file in the workspace, ``<workspace>/idp/<employee>.json`` (the employee ID with every
character but letters, digits, ``-``, ``_`` and a ``.`` that does not start it percent-encoded, so
that no ID can name another path).
Saves are atomic (a temporary sibling, fsynced, renamed into place), so a reader sees the old IDP or
the new one, never half of one; and each save carries the ``revision`` it was read at: a save over an
IDP someone else saved since is refused (:class:`IdpConflict`), so no one's update is silently lost.
A file there that is not an IDP is never overwritten.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import quote, unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.contract.tables import write_text_atomically

Status = Literal["planned", "in_progress", "done", "dropped"]
STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "dropped")
FOLDER = "idp"
MAX_ID_BYTES = 150  # a file name holds 255 bytes; percent-encoding can triple an ID's length


class IdpError(ValueError):
    """An IDP cannot be read or saved: the message names the file and what is wrong."""


class IdpConflict(IdpError):
    """The IDP was saved by someone else since it was read; nothing was written."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IdpItem(_Model):
    """One intervention of the IDP, as the plan scheduled it, with its status."""

    intervention_id: str = Field(min_length=1, description="Intervention.")
    name: str = Field(default="", description="Its name, when the IDP was made.")
    start_quarter: int = Field(ge=0, description="Quarter the plan starts it (0 = the plan's first).")
    end_quarter: int = Field(ge=0, description="Last quarter it runs.")
    start_label: str = Field(default="", description="start_quarter as a calendar quarter.")
    end_label: str = Field(default="", description="end_quarter as a calendar quarter.")
    cost: float = Field(ge=0, description="Cost, money units.")
    target_role_id: Optional[str] = Field(default=None, description="Role it prepares for.")
    status: Status = Field(default="planned", description="planned, in_progress, done or dropped.")
    updated: Optional[str] = Field(default=None, description="When the status last changed (UTC, ISO 8601).")


class IdpMilestone(_Model):
    """A dated goal of the IDP (ready for a role), with its status."""

    milestone_id: str = Field(min_length=1, description="Stable key, e.g. 'ready:R-FIN-CFO'.")
    text: str = Field(description="The milestone in words.")
    quarter: Optional[int] = Field(default=None, ge=0, description="Quarter it is planned for; empty = not in the horizon.")
    label: str = Field(default="", description="quarter as a calendar quarter.")
    status: Status = Field(default="planned", description="planned, in_progress, done or dropped.")
    updated: Optional[str] = Field(default=None, description="When the status last changed (UTC, ISO 8601).")


class CheckIn(_Model):
    """A check-in note between the person and their manager."""

    date: str = Field(description="Day of the check-in (ISO 8601, YYYY-MM-DD).")
    author: str = Field(min_length=1, max_length=200, description="Who wrote it.")
    text: str = Field(min_length=1, max_length=10_000, description="The note.")


class IndividualDevelopmentPlan(_Model):
    """One person's development plan, made from a saved plan and kept up to date by hand."""

    employee_id: str = Field(min_length=1, description="The person.")
    plan_name: str = Field(description="The saved plan it was made from.")
    plan_fingerprint: str = Field(default="", description="That plan's input fingerprint, to tell a re-plan from it.")
    start: str = Field(description="Calendar label of the plan's quarter 0 (its quarters count from there).")
    created: str = Field(description="When the IDP was made (UTC, ISO 8601).")
    updated: str = Field(description="When it was last saved (UTC, ISO 8601).")
    revision: int = Field(default=0, ge=0, description="Saves so far; a save must carry the revision it read.")
    items: list[IdpItem] = Field(default_factory=list, description="Interventions, in start order.")
    milestones: list[IdpMilestone] = Field(default_factory=list, description="Milestones, in date order.")
    notes: list[CheckIn] = Field(default_factory=list, description="Check-in notes, oldest first.")

    def item(self, intervention_id: str) -> IdpItem:
        for it in self.items:
            if it.intervention_id == intervention_id:
                return it
        raise KeyError(f"{self.employee_id}'s development plan has no intervention {intervention_id!r}")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_in(author: str, text: str, day: Optional[date] = None) -> CheckIn:
    """A check-in note dated ``day`` (default today); raises IdpError when the author or text is empty or too long."""
    try:
        return CheckIn(date=(day or date.today()).isoformat(), author=author.strip(), text=text.strip())
    except ValidationError as exc:
        raise IdpError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].lower()}" for e in exc.errors())) from None


def idp_path(workspace: str | Path, employee_id: str) -> Path:
    """Where the IDP of ``employee_id`` lives in ``workspace``; IdpError for an ID too long to be a file name."""
    stem = quote(employee_id, safe="-_.")
    stem = "%2E" + stem[1:] if stem.startswith(".") else stem  # never a hidden file, '.' or '..'
    if not employee_id or len(stem.encode()) > MAX_ID_BYTES:
        raise IdpError(f"employee ID {employee_id!r} cannot name an IDP file (empty, or too long)")
    return Path(workspace) / FOLDER / f"{stem}.json"


def load_idp(workspace: str | Path, employee_id: str) -> Optional[IndividualDevelopmentPlan]:
    """The saved IDP of ``employee_id``, or None when there is none; IdpError when the file is not one."""
    path = idp_path(workspace, employee_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise IdpError(f"{path} cannot be read: {exc}") from None
    try:
        idp = IndividualDevelopmentPlan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise IdpError(f"{path} is not a development plan the planner wrote ({'.'.join(map(str, first['loc'])) or 'file'}: "
                       f"{first['msg'].lower()}); move it away to start a new one") from None
    if idp.employee_id != employee_id:
        raise IdpError(f"{path} holds the development plan of {idp.employee_id!r}, not {employee_id!r}")
    return idp


def saved_idps(workspace: str | Path) -> list[IndividualDevelopmentPlan]:
    """Every development plan saved in ``workspace``, by employee ID; IdpError for a file in the IDP
    folder that is not one (it is never skipped unseen: the next re-plan would miss it)."""
    folder = Path(workspace) / FOLDER
    if not folder.is_dir():
        return []
    found = [load_idp(workspace, unquote(f.stem)) for f in sorted(folder.glob("*.json")) if not f.name.startswith(".")]
    return sorted((i for i in found if i is not None), key=lambda i: i.employee_id)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the IDP folder's lock (an advisory lock on ``.lock``) while reading and replacing a file, so
    that two saves of the same IDP cannot both pass the revision check."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as fh:
        try:
            import fcntl
        except ImportError:  # no advisory locks on this system: the revision check alone
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def save_idp(workspace: str | Path, idp: IndividualDevelopmentPlan) -> IndividualDevelopmentPlan:
    """Save ``idp`` atomically and return it as saved (revision + 1, ``updated`` now). Refused with
    IdpConflict when the file on disk is at another revision than ``idp`` (someone saved since it was
    read) and with IdpError when the file there is not an IDP; nothing is written then."""
    path = idp_path(workspace, idp.employee_id)
    try:
        with _locked(path.parent):
            on_disk = load_idp(workspace, idp.employee_id)
            disk_revision = on_disk.revision if on_disk is not None else 0
            if disk_revision != idp.revision:
                raise IdpConflict(f"{idp.employee_id}'s development plan was saved by someone else since you opened it "
                                  f"(revision {disk_revision}, yours {idp.revision}): reload it and make your change again")
            saved = idp.model_copy(update={"revision": idp.revision + 1, "updated": now()})
            write_text_atomically(path, json.dumps(saved.model_dump(), indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise IdpError(f"cannot write {path}: {exc}") from None
    return saved


__all__ = ["CheckIn", "IdpConflict", "IdpError", "IdpItem", "IdpMilestone", "IndividualDevelopmentPlan", "STATUSES",
           "Status", "check_in", "idp_path", "load_idp", "now", "save_idp"]
