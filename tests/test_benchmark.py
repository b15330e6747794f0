"""The benchmark runs on a clean clone (tiny sizes) so that it cannot rot; its three ways of computing the same
ten ratios must agree (the script exits non-zero otherwise)."""
import subprocess
import sys

from conftest import ROOT


def test_benchmark_smoke_run():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks/run.py"), "--smoke"], capture_output=True, text=True,
                       timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.count("values identical") == 2 and "smoke run: OK" in r.stdout
    assert "library / idiom" in r.stdout and "python loop" in r.stdout


def test_snakemake_command_of_the_benchmark_parses():
    """`--quiet` takes any number of values: the benchmark's command gives it one, so that a target right after it
    (as the script passes it) is a target."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run

    r = subprocess.run([*run.SNAKE, "data/processed/market/cost_of_capital.csv", "-n"], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
