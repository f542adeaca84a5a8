"""Performance benchmark: whole-process wall times (medians), side by side with the floor of our
own stack (a minimal typer app that prints one rich table), and peak memory.

    pip install -e '.[bench]'      # pexpect, for the first question on screen
    python bench/run.py            # everything (about three minutes on 2 cores)
    python bench/run.py --quick    # fewer runs, no 100k territory, smaller FINESS file

Prints one line per measure with its median, its target and whether it is met.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import synth  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
GRADATION = [str(BIN / "gradation")] if (BIN / "gradation").exists() else [PYTHON, "-m", "gradation"]
ANSWERS = ["--answer=age=34", "--answer=commune=99001", "--answer=risque_suicidaire=faible",
           "--answer=danger_autrui=non", "--answer=agitation=non", "--answer=confusion=non",
           "--answer=intoxication_aigue=non", "--answer=tentative_recente=non",
           "--answer=mise_en_danger=non", "--answer=enfant_en_danger=non",
           "--answer=retentissement=modere",
           "--answer=echec_soins_anterieurs=aucun", "--answer=premier_episode=oui",
           "--answer=decompensation=non", "--answer=rupture_de_soins=non"]
FLOOR = textwrap.dedent("""
    import typer
    app = typer.Typer()
    @app.command()
    def show(name: str = "x") -> None:
        from rich.console import Console
        from rich.table import Table
        table = Table(); table.add_column("a"); table.add_row(name); Console().print(table)
    @app.command()
    def other() -> None:
        pass
    app()
""")


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Wall time in seconds and peak memory in MB (None where the OS does not tell)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss / 1024  # KB on Linux
    else:  # pragma: no cover - Windows
        proc.wait()
        elapsed, peak = time.perf_counter() - start, None
    if proc.returncode != 0:
        raise SystemExit(f"échec ({proc.returncode}) : {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return elapsed, peak


def medians(commands: dict[str, list[str]], env: dict[str, str], repeat: int
            ) -> dict[str, tuple[float, float | None]]:
    """Interleaved runs (one of each in turn), so that load on the machine hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float | None] = {name: None for name in commands}
    for name, cmd in commands.items():
        run(cmd, env)  # warm-up: file cache, bytecode, our own cache
    for _ in range(repeat):
        for name, cmd in commands.items():
            elapsed, peak = run(cmd, env)
            times[name].append(elapsed)
            if peak is not None:
                peaks[name] = max(peaks[name] or 0, peak)
    return {name: (statistics.median(values), peaks[name]) for name, values in times.items()}


def in_process(code: str, env: dict[str, str], repeat: int = 3) -> float:
    """Median time of a snippet inside one process (prints its own timing)."""
    values = []
    for _ in range(repeat):
        out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True,
                             check=True).stdout
        values.append(float(out.strip()))
    return statistics.median(values)


def first_question(env: dict[str, str], repeat: int) -> float | None:
    """The first question on screen, through a pseudo-terminal; None without pexpect (the test
    extra) or on Windows."""
    try:
        import pexpect
    except ImportError:
        return None

    values = []
    for _ in range(repeat):
        start = time.perf_counter()
        child = pexpect.spawn(GRADATION[0], [*GRADATION[1:], "orient", "-s", "psychiatrie"],
                              env={**env, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"},
                              encoding="utf-8", timeout=30)
        child.expect_exact("Âge du patient")
        values.append(time.perf_counter() - start)
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
        child.close()
    return statistics.median(values)


def line(label: str, value: float | None, target: float | None, peak: float | None = None,
         peak_limit: float | None = None) -> bool | None:
    """Print a measure; True or False when it has a target (time or memory), None when it is
    shown for information only (not counted as met)."""
    if value is None:
        print(f"{label:<58}   non mesuré (pexpect absent : pip install -e '.[bench]')",
              flush=True)
        return None
    ok = target is None or value <= target
    mem_ok = peak_limit is None or peak is None or peak <= peak_limit
    shown = f"{label:<58} {value * 1000:8.0f} ms"
    if target is not None:
        shown += f"   cible ≤ {target * 1000:6.0f} ms ({value / target:4.2f})"
    if peak is not None:
        shown += f"   mémoire {peak:5.0f} Mo" + (f" (≤ {peak_limit:.0f})" if peak_limit else "")
    if target is None and peak_limit is None:
        print(shown + "   (sans cible)", flush=True)
        return None
    print(shown + ("   ✓" if ok and mem_ok else "   ✗"), flush=True)
    return ok and mem_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    options = parser.parse_args()
    repeat = options.repeat or (5 if options.quick else 15)
    work = Path(tempfile.mkdtemp(prefix="gradation-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADATION_")}
    env.update(HOME=str(work / "home"), XDG_CONFIG_HOME=str(work / "config"),
               XDG_CACHE_HOME=str(work / "cache"), PYTHONDONTWRITEBYTECODE="")
    floor = work / "floor.py"
    floor.write_text(FLOOR, encoding="utf-8")
    results = []
    print(f"Machine : {os.cpu_count()} cœurs, Python {sys.version.split()[0]}, {sys.platform} ; "
          f"médianes de {repeat} exécutions entrelacées.\n", flush=True)
    try:
        base = medians({
            "floor": [PYTHON, str(floor), "show"],
            "help": [*GRADATION, "--help"],
            "orient": [*GRADATION, "orient", "-s", "psychiatrie", "--format", "json", *ANSWERS],
        }, env, repeat)
        floor_time = base["floor"][0]
        line("plancher : typer + une table rich", floor_time, None, base["floor"][1])
        results.append(line("gradation --help", base["help"][0], floor_time, base["help"][1]))
        results.append(line("gradation orient --format json (demo)", base["orient"][0],
                            floor_time, base["orient"][1]))
        results.append(line("première question à l'écran (pseudo-terminal)",
                            first_question(env, max(5, repeat // 2)), 1.5 * floor_time))
        # The proofs of the shipped grids, exhaustive (every class of every answer).
        check = medians({"check": [*GRADATION, "grid", "check"]}, env, max(3, repeat // 3))
        results.append(line("gradation grid check (grilles fournies, processus entier)",
                            check["check"][0], 1.5, check["check"][1]))
        proof = in_process(
            "import time;from gradation.files.grids import load_grid;"
            "from gradation.core.proofs import check_grid;g=load_grid();"
            "t=time.perf_counter();assert check_grid(g)==[];print(time.perf_counter()-t)", env)
        results.append(line("  dont les preuves seules (dans le processus)", proof, None))
        sizes = [1_000, 10_000] if options.quick else [1_000, 10_000, 100_000]
        for size in sizes:
            path = synth.territory(work / f"t{size}.yaml", size)
            as_json = work / f"t{size}.json"
            # In a child process: a large parent would inflate the children's peak memory
            # (a forked child counts its parent's pages until it executes the command).
            subprocess.run([PYTHON, "-c", "import json,sys,yaml;json.dump(yaml.load(open(sys.argv[1],"
                            "encoding='utf-8'),Loader=yaml.CSafeLoader),open(sys.argv[2],'w',"
                            "encoding='utf-8'),default=str)", str(path), str(as_json)],
                           env=env, check=True)
            cmd = [*GRADATION, "orient", "-s", "psychiatrie", "--format", "json",
                   "--territory", str(path), *ANSWERS]
            shutil.rmtree(work / "cache", ignore_errors=True)
            first, first_peak = run(cmd, env)
            warm = medians({"warm": cmd}, env, max(3, repeat // 3))["warm"]
            json_load = in_process(
                f"import json,time;t=time.perf_counter();json.load(open({str(as_json)!r},"
                "encoding='utf-8'));print(time.perf_counter()-t)", env)
            yaml_parse = 0.0
            if size <= 10_000:
                yaml_parse = in_process(
                    f"import yaml,time;s=open({str(path)!r},encoding='utf-8').read();"
                    "t=time.perf_counter();yaml.load(s,Loader=yaml.CSafeLoader);"
                    "print(time.perf_counter()-t)", env, 1)
            label = f"{size:,} ressources".replace(",", " ")
            if size == 100_000:
                results.append(line(f"{label} : premier chargement (cache vide)", first, None,
                                    first_peak))
                results.append(line(f"{label} : exécutions suivantes", warm[0], 3.0, warm[1]))
                continue
            # The issue sets first-run and memory targets for 10 000 resources; 1 000 is shown.
            target_first = 1.2 * (floor_time + yaml_parse) if size == 10_000 else None
            results.append(line(f"{label} : premier chargement (cache vide)", first,
                                target_first, first_peak, 150 if size == 10_000 else None))
            results.append(line(f"{label} : exécutions suivantes", warm[0],
                                1.5 * (floor_time + json_load), warm[1],
                                150 if size == 10_000 else None))
        count = 20_000 if options.quick else 100_000
        extract = synth.finess(work / "finess.csv", count)
        elapsed, peak = run([*GRADATION, "import", "finess", str(extract), "--id", "national",
                             "--name", "National", "--output", str(work / "national.yaml")], env)
        results.append(line(f"import FINESS de {count:,} établissements".replace(",", " "),
                            elapsed, 60.0, peak))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counted = [r for r in results if r is not None]  # a measure without a target is no target
    print(f"\n{sum(counted)} cibles atteintes sur {len(counted)}.")


if __name__ == "__main__":
    main()
