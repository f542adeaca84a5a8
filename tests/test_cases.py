"""Reference cases: the project's own (always) and the shared ones (when CI provides them)."""

from __future__ import annotations

import pytest
from conftest import ROOT, SHARED, TODAY

from gradation.territory.cases import run_cases

OWN = ROOT / "tests" / "cases" / "cases.yaml"
PRECISION = ROOT / "tests" / "cases" / "precision.yaml"
REVISION3 = ROOT / "tests" / "cases" / "revision3.yaml"  # every new threshold, both sides


@pytest.mark.parametrize(("path", "at_least"), [(OWN, 80), (PRECISION, 50), (REVISION3, 24)])
def test_own_cases_all_pass(grid, path, at_least):
    outcomes = list(run_cases(path, grid, TODAY))
    failures = [f"{o.name}: {o.detail}" for o in outcomes if not o.passed]
    assert len(outcomes) >= at_least
    assert failures == []


@pytest.mark.skipif(not (SHARED / "cases" / "cases.yaml").is_file(),
                    reason="../shared/cases is not beside this clone")
def test_shared_cases_pass_through_the_cli(cli):
    result = cli("cases", "run", str(SHARED / "cases" / "cases.yaml"))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed")


def test_a_failing_case_is_reported_and_exits_non_zero(cli, tmp_path):
    (tmp_path / "t.yaml").write_text((ROOT / "tests/cases/territoire.yaml").read_text("utf-8"),
                                     encoding="utf-8")
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "territory: t.yaml\n"
        "cases:\n"
        "  - name: faux\n"
        "    situation: psychiatrie\n"
        "    answers: {intoxication_aigue: oui}\n"
        "    expect: {level: '1'}\n"
        "  - name: juste\n"
        "    situation: psychiatrie\n"
        "    answers: {intoxication_aigue: oui}\n"
        "    expect: {level: urgence, resources: [urgences]}\n",
        encoding="utf-8",
    )
    result = cli("cases", "run", str(cases))
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("✗ faux") and "attendu 1, obtenu urgence" in lines[0]
    assert lines[1] == "✓ juste"
    assert lines[-1] == "1 passed, 1 failed"


def test_a_folder_runs_every_cases_file_in_it(cli, tmp_path):
    import yaml

    # the project's folder holds two cases files and two territories (not cases: skipped)
    folder = ROOT / "tests" / "cases"
    expected = sum(len(yaml.safe_load(path.read_text("utf-8")).get("cases") or [])
                   for path in (OWN, PRECISION, REVISION3))
    result = cli("cases", "run", str(folder))
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.strip().splitlines()
    assert str(OWN) in lines and str(PRECISION) in lines  # a heading per file
    assert str(REVISION3) in lines
    assert lines[-1] == f"{expected} passed, 0 failed"
    empty = cli("cases", "run", str(tmp_path))
    assert empty.exit_code == 3 and "aucun fichier de cas" in empty.stderr
