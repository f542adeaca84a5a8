"""Mutation testing of the pure engine (gradation/core/) with mutmut; prints the score.

    pip install -e '.[test,bench]'
    python bench/mutation.py          # mutmut run (settings: [tool.mutmut] in pyproject.toml)
    python bench/mutation.py --report # the score of the last run, without running again

A mutant is a small change of the code (a comparison turned around, a constant changed, an
argument dropped); the selected tests must fail for each. The score counts the mutants killed
(a test failed, or the mutant ran out of time) out of all that were run. The survivors are
listed by module: `mutmut show NAME` prints one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = [sys.executable, "-m", "mutmut"]
KILLED = ("killed", "timeout")
LINE = re.compile(r"^\s*(?P<name>[\w.]+)__mutmut_\d+: (?P<status>.+)$")


def run_mutmut() -> None:
    children = str(os.cpu_count() or 1)
    subprocess.run([*MUTMUT, "run", "--max-children", children], cwd=ROOT, check=True)


def results() -> list[tuple[str, str]]:
    """(module.function, status) for every mutant of the last run."""
    done = subprocess.run([*MUTMUT, "results", "--all", "true"], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    out = []
    for line in done.stdout.splitlines():
        if match := LINE.match(line):
            out.append((match["name"].replace(".x_", ".").replace(".xǁ", "."),
                        match["status"].strip()))
    return out


def report(found: list[tuple[str, str]]) -> None:
    statuses = Counter(status for _, status in found)
    run = sum(n for status, n in statuses.items() if status not in ("not checked", "skipped"))
    killed = sum(statuses[s] for s in KILLED)
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for name, status in found:
        module = ".".join(name.split(".")[:3])
        by_module[module]["killed" if status in KILLED else status] += 1
    print(f"Mutation de gradation/core/ ({dt.date.today().isoformat()}) :")
    for status, n in sorted(statuses.items()):
        print(f"  {status:<14} {n:5d}")
    print(f"\n  {'module':<34} {'tués':>5} {'total':>6}  score")
    for module, counts in sorted(by_module.items()):
        total = sum(counts.values())
        print(f"  {module:<34} {counts['killed']:5d} {total:6d}  "
              f"{100 * counts['killed'] / total:5.1f} %")
    score = 100 * killed / run if run else 0.0
    print(f"\nScore : {killed} mutants tués sur {run} exécutés, soit {score:.1f} %.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", action="store_true", help="the last run's score only")
    if not parser.parse_args().report:
        run_mutmut()
    report(results())


if __name__ == "__main__":
    main()
