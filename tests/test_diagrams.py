"""The compact diagram by level, rendered by mermaid-cli (in headless Chromium) as a trainer
would render it to project: landscape, readable at 1920×1080 without shrinking, no label over
another, every level there in its colour.

mermaid-cli is found through GRADATION_MMDC (the path of `mmdc`) or on the PATH. Without it (or
without Chromium) these tests skip and say why; `.ci/run` installs both and sets
GRADATION_REQUIRE_ALL_TESTS so that they fail instead."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from itertools import combinations

import pytest
from conftest import ROOT, full_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MMDC = os.environ.get("GRADATION_MMDC") or shutil.which("mmdc")
SCREEN = (1920, 1080)
NODE = re.compile(r'<g class="node [^"]*" id="[^"]*flowchart-(\w+)-\d+"[^>]*'
                  r'transform="translate\(([-\d.]+),\s*([-\d.]+)\)"')
LABEL = re.compile(r'<g class="label"[^>]*transform="translate\(([-\d.]+),\s*([-\d.]+)\)"><rect/>'
                   r'<foreignObject width="([\d.]+)" height="([\d.]+)"')
EDGE_LABEL = re.compile(r'<g class="edgeLabel">.*?<foreignObject width="([\d.]+)"')


def _tools() -> tuple[str, str]:
    missing = [name for name, path in (("mermaid-cli (mmdc)", MMDC), ("Chromium", CHROMIUM))
               if path is None]
    if missing:
        reason = (f"{' et '.join(missing)} absent : les schémas ne sont pas rendus ici "
                  "(npm install @mermaid-js/mermaid-cli, paquet Debian chromium ; "
                  "GRADATION_MMDC=chemin de mmdc)")
        if os.environ.get("GRADATION_REQUIRE_ALL_TESTS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return MMDC, CHROMIUM  # type: ignore[return-value]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every situation's compact diagram, rendered to SVG in one run of mermaid-cli."""
    from typer.testing import CliRunner

    from gradation.files.grids import load_grid

    mmdc, chromium = _tools()
    folder = tmp_path_factory.mktemp("schemas")
    blocks = []
    with pytest.MonkeyPatch.context() as env:  # a private home, config and cache
        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            env.setenv(name, str(folder / name.lower()))
        situations = list(load_grid(ROOT / "grids").situations)
        for sid in situations:
            result = CliRunner().invoke(full_app(), ["show", sid, "--format", "mermaid-niveaux"])
            assert result.exit_code == 0, result.output
            blocks.append(f"```mermaid\n{result.stdout}```\n")
    (folder / "schemas.md").write_text("\n".join(blocks), encoding="utf-8")
    (folder / "puppeteer.json").write_text(json.dumps(
        {"executablePath": chromium, "args": ["--no-sandbox", "--disable-gpu"]}),
        encoding="utf-8")
    done = subprocess.run([mmdc, "-q", "-p", "puppeteer.json", "-i", "schemas.md", "-o",
                           "schema.svg"], cwd=folder, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "HOME": str(folder)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {sid: (folder / f"schema-{i}.svg").read_text(encoding="utf-8")
            for i, sid in enumerate(situations, 1)}


def _boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Each node's text box (left, top, right, bottom) in the drawing."""
    boxes = {}
    for node in NODE.finditer(svg):
        name, x, y = node.group(1), float(node.group(2)), float(node.group(3))
        label = LABEL.search(svg, node.end())
        assert label is not None, name
        dx, dy, width, height = (float(v) for v in label.groups())
        boxes[name] = (x + dx, y + dy, x + dx + width, y + dy + height)
    return boxes


def test_each_compact_diagram_is_landscape_and_readable_at_1920_by_1080(rendered):
    for sid, svg in rendered.items():
        view = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
        assert view is not None, sid
        width, height = float(view.group(1)), float(view.group(2))
        assert width > height, (sid, width, height)  # landscape
        # at its natural size (text at the browser's 16 px) it holds on the screen
        assert width <= SCREEN[0] and height <= SCREEN[1], (sid, width, height)


def test_no_label_lies_over_another_and_the_links_carry_none(rendered):
    for sid, svg in rendered.items():
        boxes = _boxes(svg)
        # the situation, then a box of conditions and a level for each level
        assert len(boxes) == 9, (sid, sorted(boxes))
        for (a, box_a), (b, box_b) in combinations(boxes.items(), 2):
            apart = (box_a[2] <= box_b[0] or box_b[2] <= box_a[0]
                     or box_a[3] <= box_b[1] or box_b[3] <= box_a[1])
            assert apart, (sid, a, box_a, b, box_b)
        assert all(float(width) == 0 for width in EDGE_LABEL.findall(svg)), sid


def test_every_level_is_drawn_in_its_colour(rendered):
    for sid, svg in rendered.items():
        for level, colour in (("urgence", "#c00000"), ("1", "#1b7f3b"), ("2", "#1f5fa8")):
            assert f'class="node default l{level}"' in svg, (sid, level)
            assert colour in svg, (sid, level)
        assert "Niveau 1 — proximité" in svg and "Urgence" in svg, sid


def test_without_mermaid_cli_the_test_says_why(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "MMDC", None)
    monkeypatch.delenv("GRADATION_REQUIRE_ALL_TESTS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="mermaid-cli"):
        _tools()

