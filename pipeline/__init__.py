"""Turns vendor technical guides into clean, typed, validated records.

Data walks one way: decode -> parse -> normalize -> validate -> write.
Only a run (``pipeline.run``, started by ``pipeline.__main__``) reads ``sources/``
and writes ``outputs/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PIPELINE_VERSION = "0.1.0"


def load(out: str | Path = "outputs") -> dict[str, pd.DataFrame]:
    """The record files of an output folder as typed pandas DataFrames, by file stem
    (``pipeline.frames``; pandas loads when this is called, not when the package does)."""
    from pipeline.frames import load as load_frames

    return load_frames(out)
