"""Mutation testing of the pure engine (gradation/core/) with mutmut; prints the score.

    pip install -e '.[test,bench]'
    python bench/mutation.py --sample 600   # 600 mutants drawn at random (seed 1): ~20 minutes
    python bench/mutation.py                # every mutant (3 000 and more: hours on 2 cores)
    python bench/mutation.py --report       # the score of the last run, without running again
    python bench/mutation.py --sample 600 --again   # the sample's survivors, with new tests

A mutant is a small change of the code (a comparison turned around, a constant changed, an
argument dropped); the selected tests must fail for each. The score counts the mutants killed
(a test failed, or the mutant ran out of time) out of all that were run, « no tests » included
(a mutant no selected test reaches counts as surviving). With --sample, the score is that of a
random sample of the mutants, with its 95 % margin. The survivors are listed by module:
`mutmut show NAME` prints one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = [sys.executable, "-m", "mutmut"]
KILLED = ("killed", "timeout")
LINE = re.compile(r"^\s*(?P<full>(?P<name>[\wǁ.]+)__mutmut_\d+): (?P<status>.+)$")


def run_mutmut(names: list[str] | None = None) -> None:
    children = str(os.cpu_count() or 1)
    subprocess.run([*MUTMUT, "run", "--max-children", children, *(names or [])], cwd=ROOT,
                   check=True)


def sample(size: int, seed: int) -> list[str]:
    """`size` mutant names drawn at random among all (generated first if need be)."""
    names = [name for name, _ in results(full=True)]
    if not names:  # no mutant generated yet: generate them (and run one)
        run_mutmut(["gradation.core.text.x_capitalized__mutmut_1"])
        names = [name for name, _ in results(full=True)]
    return sorted(random.Random(seed).sample(names, min(size, len(names))))


def results(full: bool = False) -> list[tuple[str, str]]:
    """(mutant, status) for every mutant generated (`full`: its mutmut name)."""
    done = subprocess.run([*MUTMUT, "results", "--all", "true"], cwd=ROOT,
                          capture_output=True, text=True)
    out = []
    for line in done.stdout.splitlines():
        if match := LINE.match(line):
            name = match["full"] if full else match["name"].replace(".x_", ".").replace(
                ".xǁ", ".").replace("ǁ", ".")
            out.append((name, match["status"].strip()))
    return out


def report(found: list[tuple[str, str]], total: int) -> None:
    found = [(name, status) for name, status in found if status != "not checked"]
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
        size = sum(counts.values())
        print(f"  {module:<34} {counts['killed']:5d} {size:6d}  "
              f"{100 * counts['killed'] / size:5.1f} %")
    score = 100 * killed / run if run else 0.0
    print(f"\nScore : {killed} mutants tués sur {run} exécutés ({total} générés), soit "
          f"{score:.1f} %", end="")
    if 0 < run < total:  # a sample: the normal approximation of its margin
        margin = 196 * math.sqrt(score / 100 * (1 - score / 100) / run)
        print(f" (échantillon : ± {margin:.1f} points à 95 %)", end="")
    print(".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", action="store_true", help="the last run's score only")
    parser.add_argument("--sample", type=int, default=0, help="run this many mutants, drawn "
                        "at random")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--again", action="store_true", help="run again the mutants that "
                        "survived (after adding tests), then report")
    args = parser.parse_args()
    drawn = sample(args.sample, args.seed) if args.sample else None
    if args.again:
        statuses = dict(results(full=True))
        run_mutmut([n for n in drawn or statuses if statuses[n] in ("survived", "no tests")])
    elif drawn is not None and not args.report:
        run_mutmut(drawn)
    elif not args.report:
        run_mutmut()
    full = results(full=True)
    named = dict(zip([n for n, _ in full], results(), strict=True))
    chosen = [named[n] for n in drawn] if drawn is not None else list(named.values())
    report(chosen, len(full))


if __name__ == "__main__":
    main()
