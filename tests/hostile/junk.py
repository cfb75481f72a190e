"""Junk files written at test time: random bytes, garbage text lines, and a table-shaped file of junk values."""

from __future__ import annotations

import os
import random
from pathlib import Path

MB = 1024 * 1024


def random_bytes(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        for _ in range(size // MB):
            fh.write(os.urandom(MB))
        fh.write(os.urandom(size % MB))
    return path


def _fill(path: Path, size: int, first: str, line) -> Path:
    """``first`` then lines from ``line()`` until ``size`` bytes (a 2,000-line block, repeated, keeps it fast)."""
    block = "".join(line() + "\n" for _ in range(2000)).encode()
    with open(path, "wb") as fh:
        fh.write(first.encode())
        while fh.tell() < size:
            fh.write(block)
    return path


def garbage_lines(path: Path, size: int, header: str = "", seed: int = 0) -> Path:
    """Printable garbage of random length, commas and quotes included; after ``header`` if given."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz  ,;:=\"'\t0123456789éß€"
    return _fill(path, size, header and header + "\n",
                 lambda: "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120))))


def junk_table(path: Path, size: int, header: str, seed: int = 0) -> Path:
    """``header`` then rows with the right number of fields, every value junk: CSV-shaped, table-wise nonsense."""
    rng = random.Random(seed)
    fields = header.count(",") + 1
    return _fill(path, size, header + "\n",
                 lambda: ",".join(rng.choice(["x", "", "??", "-1", "é", "1e999", "=1+1"]) for _ in range(fields)))
