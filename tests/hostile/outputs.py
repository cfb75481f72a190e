"""Hostile output paths and names: places a command must not write to, and names that would leave their folder.

Each builder gets ``tmp`` (a folder holding the valid dataset ``data/`` and ``scenario.yaml`` from
:mod:`hostile.dataset`) and returns the path to give as ``--out``; what is there must survive intact.
"""

from __future__ import annotations

from pathlib import Path

from planner.contract.paths import write_folder


def foreign_folder(tmp: Path) -> Path:
    """A folder of the user's notes."""
    out = tmp / "r"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    return out


def markup_named_folder(tmp: Path) -> Path:
    """A folder of the user's notes whose name the terminal would read as markup."""
    out = tmp / "[bold]notes"
    out.mkdir()
    (out / "todo.txt").write_text("keep me")
    return out


def existing_file(tmp: Path) -> Path:
    """A report the user wrote, given where a folder is expected."""
    (tmp / "report.txt").write_text("keep me")
    return tmp / "report.txt"


def previous(kind: str, tmp: Path, name: str = "old") -> Path:
    """A folder the planner wrote (its manifest says ``kind``), holding one file."""
    out = tmp / name
    write_folder(out, kind, lambda folder: (folder / "kpis.json").write_text("{}\n"))
    return out


def plan_with_a_file_added(tmp: Path) -> Path:
    """A previous plan into which the user saved their own spreadsheet."""
    out = previous("plan", tmp)
    (out / "my-analysis.xlsx").write_bytes(b"PK\x03\x04 the user's work")
    return out


def plan_with_a_file_edited(tmp: Path) -> Path:
    """A previous plan whose file the user edited by hand after the planner wrote it."""
    out = previous("plan", tmp)
    (out / "kpis.json").write_text('{"note": "board comments"}\n')
    return out


def plan_with_a_subfolder(tmp: Path) -> Path:
    """A previous plan in which the user made a folder of their own."""
    out = previous("plan", tmp)
    (out / "drafts").mkdir()
    (out / "drafts" / "v2.txt").write_text("keep me")
    return out


def forged_manifest(tmp: Path) -> Path:
    """A manifest that is not JSON the planner wrote (a truncated or foreign file of that name)."""
    out = foreign_folder(tmp)
    (out / ".planner-output.json").write_text('{"kind": "plan"')
    return out


def symlink_to_foreign_folder(tmp: Path) -> Path:
    """A link pointing at the user's folder elsewhere."""
    target = foreign_folder(tmp)
    link = tmp / "link"
    link.symlink_to(target, target_is_directory=True)
    return link


def inside_a_file(tmp: Path) -> Path:
    """A folder path through a regular file: nothing can be written there."""
    return existing_file(tmp) / "plan"


def the_dataset(tmp: Path) -> Path:
    """The dataset being read."""
    return tmp / "data"


def around_the_inputs(tmp: Path) -> Path:
    """The folder holding the dataset and the scenario (and the workspace)."""
    return tmp


def current_folder(tmp: Path) -> Path:
    """``.``, run from ``tmp``."""
    return Path(".")


def parent_of_current_folder(tmp: Path) -> Path:
    """``..``, run from ``tmp/sub``: it holds the current folder."""
    return Path("..")


# Names a scenario (``name:``) or a plan (``--name``) must not have: each would leave its folder, hide
# itself, be read as an option or as the terminal's markup, or not be a file name at all.
BAD_NAMES = {
    "parent folder": "../victim",
    "absolute path": "/tmp/victim",
    "path separator": "a/b",
    "Windows separator": "a\\b",
    "only dots": "..",
    "empty": "",
    "blank": "   ",
    "control character": "bell\x07",
    "trailing newline": "ok\n",
    "NUL byte": "a\x00b",
    "slash lookalike": "a\u2215b",
    "home folder": "~/victim",
    "hidden": ".hidden",
    "read as an option": "-rf",
    "too long": "x" * 81,
    "terminal markup": "[bold]x",
}
