"""Shared fixtures: the repository, the shipped grids, a CLI runner that keeps stderr apart."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gradation.cli import full_app
from gradation.core.model import Grid
from gradation.files.grids import load_grid
from gradation.files.locate import default_grids_dir
from gradation.files.territories import load_territory

# Never the user's real cache or configuration: one private folder for the whole run, set
# before anything is loaded.
_PRIVATE = Path(tempfile.mkdtemp(prefix="gradation-tests-"))
os.environ["GRADATION_CACHE_DIR"] = str(_PRIVATE / "cache")
os.environ["GRADATION_CONFIG_DIR"] = str(_PRIVATE / "config")
os.environ.pop("GRADATION_TERRITORY", None)
os.environ.pop("GRADATION_GRIDS", None)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TODAY = dt.date(2026, 11, 28)

ADULT = {
    "age": 30,
    "commune": "99001",
    "risque_suicidaire": "aucun",
    "danger_autrui": "non",
    "agitation": "non",
    "confusion": "non",
    "intoxication_aigue": "non",
    "tentative_recente": "non",
    "mise_en_danger": "non",
    "enfant_en_danger": "non",
    "retentissement": "leger",
    "echec_soins_anterieurs": "aucun",
}


@pytest.fixture(scope="session")
def grid() -> Grid:
    return load_grid(default_grids_dir())


@pytest.fixture(scope="session")
def shipped_findings(grid: Grid):  # type: ignore[no-untyped-def]
    """The proofs on the shipped grids, run once per test session (they take a second)."""
    from gradation.core.proofs import check_grid

    return check_grid(grid)


@pytest.fixture(scope="session")
def demo(grid: Grid):  # type: ignore[no-untyped-def]
    return load_territory(default_grids_dir() / "territories" / "demo.yaml", grid, TODAY)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `gradation …` through typer's runner, from a scratch directory, with a private home."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("GRADATION_CONFIG_DIR", str(tmp_path / "config" / "gradation"))
    monkeypatch.delenv("GRADATION_TERRITORY", raising=False)
    monkeypatch.delenv("GRADATION_GRIDS", raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(full_app(), list(args), input=input, catch_exceptions=False)

    return run


def answer_flags(answers: dict[str, Any]) -> list[str]:
    flags: list[str] = []
    for key, value in answers.items():
        flags += ["--answer", f"{key}={'' if value is None else value}"]
    return flags


def copy_grids(tmp_path: Path) -> Path:
    """A copy of the shipped grids to edit (the tests never touch the originals)."""
    target = tmp_path / "grids"
    shutil.copytree(default_grids_dir(), target)
    return target


def edit_between(path: Path, start: str, end: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the part of a grid file from `start` to `end` (one rule)."""
    text = path.read_text(encoding="utf-8")
    a, b = text.index(start), text.index(end)
    assert old in text[a:b], old
    path.write_text(text[:a] + text[a:b].replace(old, new) + text[b:], encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def as_json(output: str) -> dict[str, Any]:
    return json.loads(output)
