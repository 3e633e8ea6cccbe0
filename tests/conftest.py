"""Shared fixtures: the sources every stage is snapshotted on, and case tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = ROOT / "sources"
SOURCES = sorted(p for p in SOURCES_DIR.iterdir() if p.is_file() and not p.name.startswith("."))
CASES_DIR = Path(__file__).resolve().parent / "cases"
SEED = SOURCES_DIR / "000_990584d1ff24284d.txt"

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def source_params() -> list[Any]:
    return [pytest.param(p, id=p.name) for p in SOURCES]


def read_cases(name: str) -> list[dict[str, str]]:
    """Rows of the Markdown table in ``tests/cases/<name>``; ``\\|`` is a literal pipe.

    A cell written as `` `text` `` is taken literally (spaces kept); ``(empty)``
    is the empty string.
    """
    lines = [ln for ln in (CASES_DIR / name).read_text("utf-8").splitlines() if ln.startswith("|")]
    header = _cells(lines[0])
    return [dict(zip(header, _cells(line), strict=True)) for line in lines[2:]]


def _cells(line: str) -> list[str]:
    parts = _UNESCAPED_PIPE.split(line.strip())[1:-1]
    out = []
    for part in parts:
        cell = part.strip().replace("\\|", "|")
        if cell.startswith("`") and cell.endswith("`") and len(cell) >= 2:
            cell = cell[1:-1]
        out.append("" if cell == "(empty)" else cell)
    return out


def write_seed_copies(folder: Path, count: int, prefix: str) -> None:
    """``count`` copies of the first guide as guide_NNN.txt, each with its own catalog
    number ``<prefix>NNNNN``: a corpus of distinct documents for run-level tests."""
    text = SEED.read_text("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        number = f"{prefix}{n:05d}"
        (folder / f"guide_{n:03d}.txt").write_text(
            text.replace("B560044", number).replace("b560044", number.lower()), "utf-8")
