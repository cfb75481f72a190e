"""Where the planner writes: the names that become file names, and the one way it replaces a folder.

**Names.** A scenario name, a plan name in the store, a dataset name in the workspace and a sweep's
scenario all become part of a path (``plans/<scenario>``, ``workspace/plans/<name>~...``,
``workspace/sweeps/<scenario>--....csv``). :func:`check_name` is the one check they all pass: 1-80
printable characters starting with a letter or digit, not ending in a space or ``.``, with no path
separator or lookalike, no ``..``, no control character and none of ``<>:"|?*``. Anything else (a path
separator, ``..``, an absolute path, blanks, control characters) is rejected, never rewritten, so
that a name always means the same file.

**Folders.** Every folder the planner writes (a plan, a dataset, comparison tables) gets a manifest,
``.planner-output.json``: what it is (``kind``), when it was written, the planner version and the
SHA-256 of every file written. :func:`write_folder` replaces a folder only if it does not exist, is
empty, or is an output of the same kind whose files are all still the ones the manifest lists
(none added, none changed); anything else is refused with :class:`OutputRefused` unless ``force``.
A folder that is, or contains, the working directory or an input being read, a symbolic link, and
a regular file where a folder is wanted are refused even with ``force``. The new folder is written
into a hidden sibling ``.<name>.planner-tmp-<random>`` and swapped in with two renames (the old
folder is moved into that sibling, the new one out of it, then the sibling is removed), so a reader
sees the old folder or the new one in full; a killed process leaves at most that sibling, which
holds the new and / or the old folder. The next write to the same folder recovers it first
(:func:`_recover_killed_writes`): a sibling whose writer (its ``pid`` file) is no longer running
gives back the old folder if the kill came between the two renames, and is then removed.

**Files** the user names (a template workbook, a frontier CSV): :func:`check_file_output` refuses an
existing file unless ``force``, and always refuses a folder or an input in its place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, Optional

from planner.version import __version__

MANIFEST = ".planner-output.json"
TEMPORARY = ".planner-tmp-"  # in the name of the hidden sibling a write works in
MAX_NAME_BYTES = 200  # file names hold 255 bytes; the hidden sibling and a store folder's token add 35
_MKDTEMP_SUFFIX = re.compile(r"[a-z0-9_]{8}")  # what tempfile.mkdtemp appends to that prefix
Kind = Literal["plan", "dataset", "comparison"]
# Characters a name may not hold: path separators and their lookalikes, and those Windows forbids in file names.
_NOT_IN_NAMES = set('/\\<>:"|?*') | {"\u2215", "\u2044", "\uff0f", "\uff3c", "\u29f8", "\u29f9"}


class OutputRefused(FileExistsError):
    """The planner will not write to a path: it would destroy something it did not write, or an input."""


def check_name(name: object, what: str = "name") -> str:
    """Return ``name`` if it can safely become part of a file name, else raise ValueError saying why and
    what is allowed. ``what`` names it in the message ('plan name', 'scenario name')."""
    if (isinstance(name, str) and 1 <= len(name) <= 80 and len(name.encode("utf-8", "replace")) <= MAX_NAME_BYTES
            and name[0].isalnum() and not name[-1].isspace()
            and name[-1] != "." and ".." not in name and all(c.isprintable() and c not in _NOT_IN_NAMES for c in name)):
        return name
    raise ValueError(f"invalid {what} {name!r}: it becomes a file name, so use 1-80 printable characters (at most "
                     f"{MAX_NAME_BYTES} bytes in UTF-8) that start "
                     "with a letter or digit and do not end in a space or '.' (no path separators / \\ or their "
                     "lookalikes, no '..', no control characters, none of < > : \" | ? *)")


@dataclass(frozen=True)
class Replacing:
    """What a write is about to replace at ``path``: a previous output (``kind``, ``written``) or, with
    ``force``, a folder the planner did not write (``kind`` None, ``foreign`` its unknown entries)."""

    path: Path
    kind: Optional[str] = None
    written: Optional[str] = None
    foreign: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind is None:
            return f"replacing {self.path}/ (--force): deleting {', '.join(self.foreign)}, which the planner did not write"
        return f"replacing the {self.kind} in {self.path}/ written {self.written}"


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _names(entries: Iterable[str]) -> str:
    entries = sorted(entries)
    return ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")


def _refuse_inputs(path: Path, inputs: Iterable[str | Path | None], what: str) -> None:
    """Refuse ``path`` if it is or contains the working directory or one of ``inputs`` (those that exist:
    an organisation built in memory has a label, not a path)."""
    target = path.resolve()
    if Path.cwd().resolve().is_relative_to(target):
        raise OutputRefused(f"{path} is or contains the current folder; give a new folder or file for the {what}")
    for given in inputs:
        if given is not None and os.path.lexists(given) and Path(given).resolve().is_relative_to(target):
            raise OutputRefused(f"{path} is or contains {given}, which is being read; give another path for the {what}")


def _refuse_through_file(path: Path) -> None:
    """Refuse ``path`` if the nearest existing folder above it is a file: nothing can be made inside a file."""
    above = next((p for p in path.absolute().parents if os.path.lexists(p)), None)
    if above is not None and not above.is_dir():
        raise OutputRefused(f"{path} lies inside {above}, which is a file, not a folder; give another path")


def check_folder_output(out: str | Path, kind: Kind, inputs: Iterable[str | Path | None] = (),
                        force: bool = False) -> Optional[Replacing]:
    """Check that the folder ``out`` may be (re)written with an output of ``kind``; returns what it would
    replace (None if ``out`` is missing or empty), or raises :class:`OutputRefused` naming the path and
    what to do. ``force`` allows replacing a folder the planner did not write, but never a regular file
    (a file where a folder is wanted is a mistyped path far more often than a wish to delete it),
    a symbolic link, the working directory or an input, nor a folder holding any of them."""
    out = Path(out)
    _refuse_inputs(out, inputs, kind)
    _refuse_through_file(out)
    if out.is_symlink():
        raise OutputRefused(f"{out} is a symbolic link; give the folder itself (or a new path) for the {kind}")
    if not out.exists():
        return None
    if not out.is_dir():
        raise OutputRefused(f"{out} is a file, not a folder; give a new folder for the {kind} (even --force does not "
                            "replace a file with a folder)")
    entries = {p.name for p in out.iterdir()}
    if not entries:
        return None
    manifest = _read_manifest(out)
    listed = manifest.get("files", {}) if manifest else {}
    foreign = entries - set(listed) - {MANIFEST}
    changed = {n for n, digest in listed.items() if n in entries and (not (out / n).is_file() or _sha256(out / n) != digest)}
    if manifest and manifest.get("kind") == kind and not foreign and not changed:
        return Replacing(out, kind, manifest.get("written"))
    if force:
        return Replacing(out, foreign=tuple(sorted(foreign | changed)))
    hint = "move them away, give another folder, or pass --force to delete them"
    if manifest is None:
        problem = f"holds files the planner did not write ({_names(entries)})"
    elif manifest.get("kind") != kind:
        problem = f"holds a {manifest.get('kind')} the planner wrote, not a {kind}"
        hint = "give another folder, or pass --force to replace it"
    elif foreign:
        problem = f"holds files the planner did not write ({_names(foreign)}) beside its {kind}"
    else:
        problem = f"holds files changed since the planner wrote them ({_names(changed)})"
    raise OutputRefused(f"{out} {problem}; not replacing it: {hint}")


def _read_manifest(folder: Path) -> Optional[dict]:
    """The folder's manifest, or None if it has none (or one that is not the planner's)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def write_folder(out: str | Path, kind: Kind, write: Callable[[Path], None], inputs: Iterable[str | Path | None] = (),
                 force: bool = False) -> None:
    """Write the folder ``out`` atomically: ``write(tmp)`` fills a fresh folder, which gets its manifest,
    is flushed to disk and swapped into place (see the module's docstring). Checks ``out`` first with
    :func:`check_folder_output` (same ``kind``, ``inputs``, ``force``): nothing is written if it refuses."""
    out = Path(out)
    _recover_killed_writes(out)
    check_folder_output(out, kind, inputs, force)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.resolve().name}{TEMPORARY}", dir=parent))
    try:
        (work / "pid").write_text(str(os.getpid()))
        new = work / "new"
        new.mkdir()
        write(new)
        files = {f.name: _sha256(f) for f in sorted(new.iterdir()) if f.is_file()}
        manifest = dict(kind=kind, written=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        planner_version=__version__, files=files)
        (new / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for name in (*files, MANIFEST):
            with open(new / name, "rb") as fh:
                os.fsync(fh.fileno())
        check_folder_output(out, kind, inputs, force)  # again: the user may have put something there meanwhile
        if out.exists():
            os.replace(out, work / "old")
        os.replace(new, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _recover_killed_writes(out: Path) -> None:
    """Undo what a killed :func:`write_folder` of ``out`` left: for each hidden sibling whose writer is
    no longer running, put the old folder back if ``out`` is missing (the kill came between the two
    renames), then remove the sibling. Siblings of a writer still running are left alone."""
    parent = out.resolve().parent
    if not parent.is_dir():
        return
    prefix = f".{out.resolve().name}{TEMPORARY}"
    for work in sorted(parent.iterdir()):  # not a glob: a name may hold [ ] * ?
        if not (work.name.startswith(prefix) and _MKDTEMP_SUFFIX.fullmatch(work.name[len(prefix):])):
            continue  # another folder's sibling, e.g. that of a folder named "<name>.planner-tmp-x"
        if work.is_symlink() or not work.is_dir() or _writer_running(work / "pid"):
            continue
        if not os.path.lexists(out) and (work / "old").is_dir():
            os.replace(work / "old", out)
        shutil.rmtree(work, ignore_errors=True)


def _writer_running(pid_file: Path) -> bool:
    """Whether the process that wrote ``pid_file`` is still running (a missing or unreadable file: it
    died before writing it, or it is not the planner's)."""
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return True  # another thread of this process (the app's sessions are threads): ours clean up themselves
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_file_output(out: str | Path, inputs: Iterable[str | Path | None] = (), force: bool = False) -> bool:
    """Check that the file ``out`` may be written; True if it replaces an existing file (only with
    ``force``: the planner cannot tell its own files from the user's). A folder, an input, or a path
    holding the working directory is refused even with ``force``. Raises :class:`OutputRefused`."""
    out = Path(out)
    _refuse_inputs(out, inputs, "output")
    _refuse_through_file(out)
    if out.is_dir():
        raise OutputRefused(f"{out} is a folder; give a file name for the output")
    if not os.path.lexists(out):
        return False
    if not force:
        raise OutputRefused(f"{out} already exists; not replacing it: give another file name, or pass --force to replace it")
    return True
