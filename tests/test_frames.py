"""The outputs one call away: ``pipeline.load`` gives typed frames, and ``guide-pipeline`` is a command.

Every column's dtype is checked against the contract's own field annotations (``int`` is
``Int64``, a ``Literal`` a categorical of its values, a ``list`` a column of lists), read
here from the Pydantic models, not from the loader's table; CSV and Parquet folders of
the same run must give equal frames.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pytest

import pipeline
from schemas.records import RECORD_TYPES
from tests.conftest import ROOT, SEED


def _expected(annotation: Any) -> tuple[str, tuple[Any, ...]]:
    """(dtype name, categories) a field's annotation calls for; None and Annotated set aside."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        return _expected(annotation)
    if typing.get_origin(annotation) is Literal:
        return "category", typing.get_args(annotation)
    if typing.get_origin(annotation) is list:
        return "object", ()
    return {int: "Int64", float: "Float64", bool: "boolean", str: "string"}[annotation], ()


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """One run over three guides written as CSV and as Parquet, loaded."""
    root = tmp_path_factory.mktemp("frames")
    sources = root / "sources"
    sources.mkdir()
    for name in ("101_tofacitinib_comparative.txt", "104_biotin_peg4_nhs_application_notes.txt",
                 "113_kras_g12c_comparison_other_vendor.md"):
        shutil.copy(Path("sources") / name, sources)
    for fmt in ("csv", "parquet"):
        done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--sources", str(sources),
                               "--out", str(root / fmt), "--format", fmt], capture_output=True,
                              text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    return pipeline.load(root / "csv"), pipeline.load(root / "parquet")


def test_every_column_has_the_dtype_its_contract_field_calls_for(
        both: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]) -> None:
    for frames in both:
        assert set(frames) == set(RECORD_TYPES)
        for stem, model in RECORD_TYPES.items():
            frame = frames[stem]
            assert list(frame.columns) == list(model.model_fields), stem
            for name, field in model.model_fields.items():
                kind, categories = _expected(field.annotation)
                assert str(frame[name].dtype) == kind, (stem, name, frame[name].dtype)
                if categories:
                    assert tuple(frame[name].cat.categories) == categories, (stem, name)


def test_csv_and_parquet_load_as_the_same_frames(
        both: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]) -> None:
    csv, parquet = both
    for stem in RECORD_TYPES:
        pd.testing.assert_frame_equal(csv[stem], parquet[stem], obj=stem)


def test_values_read_as_the_guides_give_them(
        both: tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]) -> None:
    """Facts read off the guides: 101's ORAL Standard protocol cites reference 8 and has four
    arms; 104's procedure lists its materials one item each; the first guide's IC50 row."""
    frames = both[0]
    protocols = frames["protocols"]
    trial: list[Any] = protocols[protocols["doc_id"] == "B1676213"]["citations"].iloc[0]
    assert 8 in trial and all(isinstance(n, int) for n in trial)
    assert (frames["protocol_arms"]["doc_id"] == "B1676213").sum() == 4
    procedure = protocols[(protocols["doc_id"] == "B606142") & (protocols["protocol_kind"] == "procedure")]
    materials: list[str] = procedure["materials"].iloc[0]
    assert any(m.startswith("Biotin-PEG4-NHS ester") for m in materials)
    cells = frames["table_cells"]
    jak1 = cells[(cells["doc_id"] == "B1676213") & (cells["row_label"] == "JAK1") & (cells["col_index"] == 1)]
    assert jak1["value"].iloc[0] == 3.2 and jak1["unit"].iloc[0] == "nM"


def test_a_folder_without_records_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run the pipeline first"):
        pipeline.load(tmp_path)


def test_the_console_script_is_installed_and_runs() -> None:
    """``pip install`` (the Makefile's editable install of ``pyproject.toml``) puts
    ``guide-pipeline`` beside the interpreter; it is the same command line."""
    script = Path(sys.executable).parent / "guide-pipeline"
    assert script.exists(), "pip install . did not install the guide-pipeline command"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("usage: guide-pipeline")
    assert "examples:" in done.stdout and "``" not in done.stdout
    run_help = subprocess.run([str(script), "run", "--help"], capture_output=True, text=True, timeout=60,
                              check=False)
    assert "--sources SOURCES" in run_help.stdout and "default: sources/" in run_help.stdout


def test_pip_install_of_the_project_gives_a_working_command(tmp_path: Path) -> None:
    """``pip install .`` (a built wheel, not the Makefile's editable link to the checkout) gives
    ``guide-pipeline``, and the installed package alone runs a guide and writes its review site:
    every module, the schemas and the review templates are in the wheel. Offline: no
    dependencies, no build isolation, so only the project's own files are installed."""
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pipeline", "schemas"):
        shutil.copytree(ROOT / name, project / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(site), str(project)], check=True, timeout=300)
    work = tmp_path / "work"
    (work / "sources").mkdir(parents=True)
    shutil.copy(SEED, work / "sources" / SEED.name)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site)}  # the wheel's copy, never the checkout

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(site / "bin" / "guide-pipeline"), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    # The checkout's editable install stays on the path (its finder maps the packages to the
    # checkout): a module missing from the wheel would load from there. So after a run and a
    # review in one process, every project module loaded must be the wheel's.
    probe = ("import json, sys\nfrom pipeline.__main__ import main\n"
             "codes = [main(['run', '--out', 'probe']), main(['review', '--out', 'probe'])]\n"
             "ours = ('pipeline', 'schemas')\n"
             "mods = [m for m in list(sys.modules.values()) if m.__name__.split('.')[0] in ours]\n"
             "files = sorted({getattr(m, '__file__', None) or m.__name__ for m in mods})\n"
             "print(json.dumps({'codes': codes, 'files': files}))\n")
    probed = subprocess.run([sys.executable, "-c", probe], cwd=work, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert probed.returncode == 0, probed.stderr[-2000:]
    said = json.loads(probed.stdout.strip().splitlines()[-1])
    assert said["codes"] == [0, 0] and len(said["files"]) > 40, said
    outside = [f for f in said["files"] if not Path(f).is_relative_to(site)]
    assert not outside, f"modules loaded from outside the wheel: {outside}"
    ran = command("run")
    assert ran.returncode == 0, ran.stderr
    assert "1 documents (1 extracted" in ran.stdout
    loaded = pipeline.load(work / "outputs")
    assert set(loaded["documents"]["doc_id"]) == {"B560044"}  # the first guide's catalog number
    reviewed = command("review")
    assert reviewed.returncode == 0, reviewed.stderr
    assert (work / "outputs" / "review" / "index.html").is_file()
