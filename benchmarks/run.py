"""What a user waits for, measured on this machine (benchmarks/README.md holds the latest figures).

    uv run python benchmarks/run.py                 # everything (about 15 minutes on 2 cores)
    uv run python benchmarks/run.py --only ratios   # one part: clone | companies | ratios
    uv run python benchmarks/run.py --quick         # the smoke test's sizes (tests/test_benchmark_smoke.py)

1. A fresh clone: `git clone`, `uv sync --locked` (packages from uv's cache) and the README's build command: the
   time to the first paper; then a full rebuild (--forceall), a no-op run, and adding a fiscal year (the clone's
   Xiaomi window first ends a year early; raising it back is the timed step, with the jobs it reruns).
2. N companies through the whole pipeline (N fictitious companies with the made-up statements of tests/fixtures/acme,
   paper included): wall time, the marginal time per company, and the peak memory of the largest process.
3. The ratio library against the plain-pandas idiom and FinanceToolkit (if installed: `uv sync --locked --extra
   bench`) on the same statements of 10,000 and 100,000 made-up companies; every way must agree.
The no-op run and the ratio timings are medians of three runs; the builds are one run each (a build takes
minutes), so they are read as ratios against the one-company build or the first build of the same run.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]

RATIOS = ["gross_margin", "operating_margin", "net_margin", "roa", "current_ratio", "total_asset_turnover",
          "inventory_turnover", "receivables_turnover", "interest_coverage"]


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    """Wall seconds and output of a command that must succeed."""
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if r.returncode:
        raise SystemExit(f"benchmark: {' '.join(cmd)} failed in {cwd}:\n{(r.stdout + r.stderr)[-3000:]}")
    return time.perf_counter() - t, r.stdout + r.stderr


def steps(output: str) -> int:
    """How many jobs a Snakemake run made (its last 'N of M steps'; 0 when there was nothing to do)."""
    found = re.findall(r"(\d+) of (\d+) steps", output)
    return int(found[-1][1]) if found else 0


def peak_mib(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory of the largest process (GNU time's maximum RSS) and output."""
    wall, out = run(["/usr/bin/time", "-f", "MAXRSS %M", *cmd], cwd)
    return wall, int(re.findall(r"MAXRSS (\d+)", out)[-1]) / 1024, out


def bench_clone(tmp: Path) -> list[tuple[str, str, str]]:
    clone = tmp / "clone"
    run(["git", "clone", "--quiet", str(ROOT), str(clone)], tmp)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    sync, _ = run(["uv", "sync", "--locked", "--quiet"], clone, env)
    build = ["uv", "run", "snakemake", "--cores", "2"]
    first, out = run(build, clone, env)
    rows = [("First paper on a fresh clone (uv sync + build)", f"{sync + first:.0f} s",
             f"sync {sync:.0f} s, build {first:.0f} s, {steps(out)} jobs")]
    full, out = run(build + ["--forceall"], clone, env)
    rows.append(("Full rebuild (--forceall)", f"{full:.0f} s", f"{steps(out)} jobs; {full / first:.2f}x the first build"))
    noops = [run(build, clone, env) for _ in range(3)]
    rows.append(("No-op run (nothing changed), median of 3", f"{statistics.median(t for t, _ in noops):.1f} s",
                 f"{steps(noops[-1][1])} jobs"))
    # Adding a fiscal year as a user does: the year's folders and the window's last year come in together.
    # First take FY2024 out (its folder, the next report's folder that restates it, and the window) and build.
    cfg = clone / "workflow/config.yaml"
    text = cfg.read_text(encoding="utf-8")
    window = "fiscal_years: {first: 2015, last: 2024}"       # Xiaomi's, the first company of the config
    held = [(clone / f"data/raw/xiaomi/{y}", tmp / f"held-{y}") for y in (2024, 2025)]
    for folder, aside in held:
        folder.rename(aside)
    cfg.write_text(text.replace(window, "fiscal_years: {first: 2015, last: 2023}", 1), encoding="utf-8")
    run(build, clone, env)
    for folder, aside in held:
        aside.rename(folder)
    cfg.write_text(text, encoding="utf-8")
    added, out = run(build, clone, env)
    rows.append(("Adding a fiscal year (FY2024's folders and window back)", f"{added:.0f} s",
                 f"{steps(out)} jobs rerun; {added / full:.2f}x a full rebuild"))
    return rows


def bench_companies(tmp: Path, sizes: list[int]) -> list[tuple[str, str, str]]:
    from pipeline import fictitious_workspace

    rows, base = [], None
    for n in sizes:
        work = fictitious_workspace(tmp / f"n{n}", [f"co{k:03d}" for k in range(n)])
        wall, mib, out = peak_mib([sys.executable, "-m", "snakemake", "--cores", "2"], work)
        base = base or (n, wall)
        marginal = (f"{wall / base[1]:.2f}x one company, {(wall - base[1]) / (n - base[0]):.2f} s per added company"
                    if n > base[0] else "the base")
        rows.append((f"{n} compan{'y' if n == 1 else 'ies'}, whole pipeline and paper", f"{wall:.0f} s",
                     f"{marginal}; peak {mib:,.0f} MiB; {steps(out)} jobs"))
        shutil.rmtree(work)
    return rows


def statements(n: int, years=range(2015, 2025), seed: int = 0) -> pd.DataFrame:
    """Made-up statements in columns by (company, fiscal_year), consistent as tests/synthetic.py makes them."""
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"c{c:06d}" for c in range(n)], list(years)], names=["company", "fiscal_year"])
    rev = rng.uniform(1e3, 1e5, len(idx))
    cos = rev * rng.uniform(0.6, 0.9, len(idx))
    op, ta = (rev - cos) * 0.5, rev * 1.2
    tl = ta * 0.5
    cols = {"revenue": rev, "cost_of_sales": cos, "gross_profit": rev - cos, "operating_profit": op,
            "profit_for_year": op * 0.84, "total_assets": ta, "current_assets": ta * 0.6,
            "current_liabilities": tl * 0.7, "inventories": rev * 0.1, "trade_receivables": rev * 0.05,
            "interest_expense": tl * 0.01}
    return pd.DataFrame({k: np.round(v, 1) for k, v in cols.items()}, index=idx)


def by_library(w: pd.DataFrame) -> pd.DataFrame:
    from corpfin import ratios as R
    from corpfin.quantity import Wide

    wide = Wide.from_frame(w)
    return pd.DataFrame({n: getattr(R, n)(wide).clean().v for n in RATIOS})


def by_pandas(w: pd.DataFrame) -> pd.DataFrame:
    """The idiom a pandas user writes: column arithmetic and a grouped shift for the opening balances."""
    prev = w.groupby(level=0).shift(1)

    def avg(c):
        return (w[c] + prev[c]) / 2
    out = pd.DataFrame({
        "gross_margin": w["gross_profit"] / w["revenue"] * 100, "operating_margin": w["operating_profit"] / w["revenue"] * 100,
        "net_margin": w["profit_for_year"] / w["revenue"] * 100, "roa": w["profit_for_year"] / avg("total_assets") * 100,
        "current_ratio": w["current_assets"] / w["current_liabilities"],
        "total_asset_turnover": w["revenue"] / avg("total_assets"), "inventory_turnover": w["cost_of_sales"] / avg("inventories"),
        "receivables_turnover": w["revenue"] / avg("trade_receivables"),
        "interest_coverage": w["operating_profit"] / w["interest_expense"]})
    return out.replace([np.inf, -np.inf], np.nan)


FTK = {"gross_margin": ("get_gross_margin", 100), "operating_margin": ("get_operating_margin", 100),
       "net_margin": ("get_net_profit_margin", 100), "roa": ("get_return_on_assets", 100),
       "current_ratio": ("get_current_ratio", 1), "total_asset_turnover": ("get_asset_turnover_ratio", 1),
       "inventory_turnover": ("get_inventory_turnover_ratio", 1), "receivables_turnover": ("get_receivables_turnover", 1),
       "interest_coverage": ("get_interest_coverage_ratio", 1)}
FTK_ITEMS = {"income": {"revenue": "Revenue", "cost_of_sales": "Cost of Goods Sold", "gross_profit": "Gross Profit",
                        "operating_profit": "Operating Income", "profit_for_year": "Net Income",
                        "interest_expense": "Interest Expense"},
             "balance": {"total_assets": "Total Assets", "current_assets": "Total Current Assets",
                         "current_liabilities": "Total Current Liabilities", "inventories": "Inventory",
                         "trade_receivables": "Accounts Receivable"}}


def ftk_layout(w: pd.DataFrame) -> dict:
    t = w.stack().unstack("fiscal_year")
    t.columns = pd.PeriodIndex([str(c) for c in t.columns], freq="Y")
    return {k: t[t.index.get_level_values(1).isin(list(m))].rename(index=m, level=1) for k, m in FTK_ITEMS.items()}


def by_financetoolkit(statements_: dict) -> pd.DataFrame:
    import logging
    import warnings

    from financetoolkit import Toolkit

    logging.getLogger("financetoolkit").setLevel(logging.ERROR)
    bal = statements_["balance"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tk = Toolkit(sorted(bal.index.get_level_values(0).unique()), balance=bal, income=statements_["income"],
                     start_date=f"{bal.columns.min()}-01-01", convert_currency=False, sleep_timer=False,
                     progress_bar=False, rounding=None)
        cols = {ours: getattr(tk.ratios, m)().astype(float).stack() * k for ours, (m, k) in FTK.items()}
    out = pd.DataFrame(cols)
    out.index = pd.MultiIndex.from_arrays([out.index.get_level_values(0), [int(str(p)) for p in out.index.get_level_values(1)]])
    return out.replace([np.inf, -np.inf], np.nan)


def bench_ratios(sizes: list[int], repeats: int = 3) -> list[tuple[str, str, str]]:
    import importlib.util

    rows = []
    for n in sizes:
        w = statements(n)
        ways = {"library": (by_library, w), "pandas idiom": (by_pandas, w)}
        if importlib.util.find_spec("financetoolkit") and n <= 10_000:
            ways["FinanceToolkit"] = (by_financetoolkit, ftk_layout(w))
        t, res = {}, {}
        for name, (fn, data) in ways.items():
            ts = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                res[name] = fn(data)
                ts.append(time.perf_counter() - t0)
            t[name] = statistics.median(ts)
        ref = res["pandas idiom"].sort_index()
        for name, r in res.items():
            # FinanceToolkit recomputes gross profit from revenue and cost of sales: equal within its rounding
            for c in RATIOS:
                tol = 1e-3 if name == "FinanceToolkit" else 1e-9
                if not np.allclose(r.reindex(ref.index)[c], ref[c], rtol=tol, equal_nan=True):
                    raise SystemExit(f"benchmark: {name}'s {c} differs from the pandas idiom at {n:,} companies")
        peer = (f"; FinanceToolkit {t['FinanceToolkit']:.2f} s = {t['FinanceToolkit'] / t['library']:.0f}x the library"
                if "FinanceToolkit" in t else "")
        rows.append((f"Nine ratios, {n:,} companies x 10 years", f"{t['library']:.3f} s",
                     f"{t['library'] / t['pandas idiom']:.2f}x the pandas idiom ({t['pandas idiom']:.3f} s){peer}"))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["clone", "companies", "ratios"])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test of the script")
    a = ap.parse_args()
    parts = [a.only] if a.only else ["clone", "companies", "ratios"]
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="corpfin-bench-") as d:
        tmp = Path(d)
        if "clone" in parts:
            rows += bench_clone(tmp)
        if "companies" in parts:
            rows += bench_companies(tmp, [1, 2] if a.quick else [1, 5, 10, 50])
        if "ratios" in parts:
            rows += bench_ratios([100] if a.quick else [10_000, 100_000], repeats=1 if a.quick else 3)
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    print(f"Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; {time.strftime('%Y-%m-%d')}\n")
    print("| What | Time | Against |\n|---|--:|---|")
    for what, value, against in rows:
        print(f"| {what} | {value} | {against} |")


if __name__ == "__main__":
    main()
