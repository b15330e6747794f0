"""The benchmark runs on a clean clone (tiny sizes) so that it cannot rot; its three ways of computing the same
ten ratios must agree (the script exits non-zero otherwise)."""
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.fixture
def run(monkeypatch):
    """benchmarks/run.py as a module."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import run

    return run


def test_benchmark_smoke_run():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks/run.py"), "--smoke"], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.count("values identical") == 2 and "smoke run: OK" in r.stdout
    assert "library / idiom" in r.stdout and "python loop" in r.stdout


def test_snakemake_command_of_the_benchmark_parses(run):
    """`--quiet` takes any number of values: the benchmark's command gives it one, so that a target right after it
    (as the script passes it) is a target."""
    r = subprocess.run([*run.SNAKE, "data/processed/market/cost_of_capital.csv", "-n"], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]


def test_the_floor_imports_what_a_job_imported_lazy_imports_included(tmp_path, run):
    """The tracer (benchmarks/trace_imports) records every module a job's Python imported, one imported inside a
    function included; the floor imports those; a job without a trace falls back to its module-level imports."""
    job = tmp_path / ".snakemake" / "scripts" / "tmpab12cd34.some_job.py"
    job.parent.mkdir(parents=True)
    job.write_text("import json\n\ndef main():\n    import fractions\n    return fractions.Fraction(1, 3)\n\nmain()\n")
    traced = tmp_path / "imports"
    traced.mkdir()
    subprocess.run([sys.executable, str(job)], check=True, env=run.traced_env(traced), timeout=60)
    modules = (traced / "some_job.txt").read_text().split()
    assert {"json", "fractions"} <= set(modules) and "sitecustomize" not in modules
    assert not any(m.startswith("__") for m in modules)
    script = tmp_path / "some_job.py"
    script.write_text(job.read_text())
    code = run.floor_code(script, traced)
    assert "'fractions'" in code and "importlib.import_module(m)" in code
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)     # the floor's code runs
    assert run.floor_code(script, tmp_path / "none") == "import snakemake.script; import json"


def test_each_rebuild_is_set_against_the_floors_around_it(run):
    """A machine slowing down by 10% per step: floors 5.0, 5.5, 6.0, 6.5 around rebuilds 10.5, 11.5, 12.5; each
    ratio is the rebuild over the mean of its two floors: 10.5 / 5.25, 11.5 / 5.75, 12.5 / 6.25 = 2.0 each."""
    assert run.bracketed_ratios([5.0, 5.5, 6.0, 6.5], [10.5, 11.5, 12.5]) == [2.0, 2.0, 2.0]
    with pytest.raises(ValueError, match=r"3 rebuilds need 4 floors around them, not 3"):
        run.bracketed_ratios([5.0, 5.5, 6.0], [10.5, 11.5, 12.5])


def test_the_floor_programs_go_longest_first_one_per_job(run):
    """Longest processing time first, one entry per job; equal floors in the rules' name order."""
    counts = {"validate": 3, "figures": 1, "tables": 2, "manifest": 1}
    alone = {"validate": 0.2, "figures": 0.9, "tables": 0.5, "manifest": 0.5}
    assert run.longest_first(counts, alone) == ["figures", "manifest", "tables", "tables", "validate", "validate",
                                                "validate"]


def test_the_measured_floor_runs_its_programs_two_at_a_time(tmp_path, run):
    """Each program of a pair waits for its partner to have started: run two at a time, in the order given, all four
    end, each once; run one at a time, the first gives up (after a second) and fails."""
    def waits_for(me: int, partner: int, patience: float = 20) -> str:
        return ("import pathlib, sys, time\n"
                f"pathlib.Path('started-{me}').touch()\n"
                f"end = time.monotonic() + {patience}\n"
                f"while not pathlib.Path('started-{partner}').exists():\n"
                "    if time.monotonic() > end:\n        sys.exit(1)\n    time.sleep(0.01)\n"
                f"with open('ran.txt', 'a') as f:\n    f.write('{me}\\n')\n")

    wall = run.run_at_once([waits_for(0, 1), waits_for(1, 0), waits_for(2, 3), waits_for(3, 2)], tmp_path)
    assert sorted((tmp_path / "ran.txt").read_text().split()) == ["0", "1", "2", "3"]
    assert 0 < wall < 20
    with pytest.raises(subprocess.CalledProcessError):
        run.run_at_once([waits_for(4, 5, patience=1), waits_for(5, 4)], tmp_path, workers=1)


def test_the_two_cores_share_of_twice_one_cores_speed(run):
    """Snakemake's start 1.0 s; the programs' serial sum 6.4 s, halved 3.2 s (ideal floor 4.2 s); run two at a
    time they took 4.0 s (measured floor 5.0 s): the two cores gave 3.2 / 4.0 = 0.8 of twice one core's speed."""
    f = run.Floor(start=1.0, measured=5.0, measured_frozen=4.5, ideal=4.2, ideal_frozen=3.9)
    assert f.two_core_speed == pytest.approx(0.8, abs=1e-12)
