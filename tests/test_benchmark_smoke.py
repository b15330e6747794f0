"""The benchmark script runs (issue 25): its quick sizes, so that it cannot rot. Its figures are not asserted: a
benchmark is a script, not a timed test (benchmarks/README.md holds the latest figures)."""
import re
import subprocess
import sys

import pytest

from conftest import ROOT


def bench(*args: str) -> str:
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks/run.py"), "--quick", *args], capture_output=True,
                       text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    return r.stdout


def test_the_ratio_benchmark_agrees_with_pandas_and_prints_its_table():
    out = bench("--only", "ratios")
    assert out.startswith("Machine: ") and "| What | Time | Against |" in out
    assert re.search(r"\| Nine ratios, 100 companies x 10 years \| [\d.]+ s \| [\d.]+x the pandas idiom", out)


@pytest.mark.slow
def test_the_company_benchmark_builds_fictitious_companies():
    out = bench("--only", "companies")
    assert re.search(r"\| 1 company, whole pipeline and paper \| \d+ s \| the base; peak [\d,]+ MiB; \d+ jobs \|", out)
    assert re.search(r"\| 2 companies, whole pipeline and paper \| \d+ s \| [\d.]+x one company", out)
