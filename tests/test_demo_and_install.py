"""The shipped demo territory, and the package as a user installs it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ADULT, ROOT, as_json

from gradation.core.matching import fits, fold, is_placed


def test_demo_is_fictional_and_says_so():
    text = (ROOT / "grids" / "territories" / "demo.yaml").read_text(encoding="utf-8")
    assert "FICTIF" in text.splitlines()[0]
    phones = [line.split('"')[1] for line in text.splitlines() if "phone:" in line]
    assert phones and all(p.startswith("01 99 00 ") for p in phones)


def test_demo_loads_without_warnings(demo):
    assert demo.warnings == []


def placed_fitting(territory, situation, level, grid, age, commune):  # type: ignore[no-untyped-def]
    """Every resource of a level's cell (all its kinds) that fits a patient, by wait and name."""
    kinds = situation.kinds(level, grid)
    found = [r for r in territory.resources
             if is_placed(r, situation.id, level, kinds) and fits(r, age, commune)]
    return sorted(found, key=lambda r: (r.wait_weeks is None, r.wait_weeks or 0, fold(r.name),
                                        r.id))


def test_every_situation_and_level_of_the_demo_lists_a_resource(grid, demo):
    for situation in grid.situations.values():
        rng = situation.spec.age
        ages = {rng.min, (rng.min + min(rng.max, 90)) // 2, min(rng.max, 90)}
        for commune in [c.insee for c in demo.data.territory.communes] + [None]:
            for level in ("1", "2", "3", "urgence"):
                for age in ages:
                    found = placed_fitting(demo, situation, level, grid, age, commune)
                    # Level 3 of addictions is for adults (centres de cure, sevrage).
                    if situation.id == "addictions" and level == "3" and age < 16:
                        continue
                    assert found, (situation.id, level, age, commune)


def test_demo_shows_a_bridge_sectors_and_an_explicit_placement(grid, demo):
    psychiatrie = grid.situations["psychiatrie"]
    a = [r.id for r in placed_fitting(demo, psychiatrie, "2", grid, 40, "99001")]
    b = [r.id for r in placed_fitting(demo, psychiatrie, "2", grid, 40, "99003")]
    assert "cmp-exempleville" in a and "cmp-boisjoli" in b and a != b
    assert "dsp-demo" in a  # placed explicitly with `level` and `situations`
    assert any(r.walk_in for r in demo.resources)


@pytest.mark.slow
def test_non_editable_install_runs_orient_from_another_directory(tmp_path):
    """`pip install .` into a fresh virtual environment, then `gradation orient` elsewhere."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    # The dependencies come from this environment (no network needed); the package itself is
    # built from the sources and installed as a user would.
    site = Path(sysconfig.get_paths()["purelib"])
    target = Path(subprocess.run([str(python), "-c", "import sysconfig;"
                                  "print(sysconfig.get_paths()['purelib'])"],
                                 check=True, capture_output=True, text=True).stdout.strip())
    (target / "deps.pth").write_text(str(site) + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", str(ROOT)], check=True, capture_output=True)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    flags = [f"--answer={k}={v}" for k, v in {**ADULT, "premier_episode": "oui",
                                                "decompensation": "non",
                                                "rupture_de_soins": "non"}.items()]
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    env.pop("GRADATION_GRIDS", None)
    done = subprocess.run([str(bindir / "gradation"), "orient", "-s", "psychiatrie",
                           "--format", "json", *flags], cwd=elsewhere, capture_output=True,
                          text=True, env=env, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    data = as_json(done.stdout)
    assert data["grid"]["territory"] == "demo" and data["level"] == "2"
    where = subprocess.run([str(python), "-c", "import gradation.files.locate as l;"
                            "print(l.default_grids_dir())"], cwd=elsewhere, capture_output=True,
                           text=True, check=True, env=env).stdout.strip()
    assert Path(where).is_relative_to(target), where  # the grids inside the installed package
    done = subprocess.run([str(python), "-m", "gradation", "--help"], cwd=elsewhere,
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "orient" in done.stdout


def test_the_readme_quick_start_orients_on_the_demo_territory(cli):
    """The first command of the README's quick start, as written there, gives a result."""
    import re
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Démarrage rapide")
    block = re.search(r"```sh\n(.*?)\n```", readme[start:], re.DOTALL)
    assert block is not None
    command = shlex.split(block.group(1).split("&& .venv/bin/gradation ", 1)[1])
    result = cli(*command)
    assert result.exit_code == 0, result.stderr
    assert "Niveau 2 — recours spécialisé" in result.stdout and "3114" in result.stdout
