"""Performance benchmark: prints ratios measured in one run on this machine (not a timed test).

    uv run python benchmarks/run.py            # everything (about 15 minutes on 2 cores)
    uv run python benchmarks/run.py --quick    # ratios and library scaling only
    uv run python benchmarks/run.py --smoke    # tiny sizes, no rebuild: the test suite runs this so it cannot rot

FinanceToolkit, the peer, is an optional dependency: `uv sync --locked --extra bench` installs it, and the ratio
comparison then includes it (offline: statements passed in, no API key, no currency conversion, no sleep).

Measures, each as a ratio within one run:
- ten common ratios on the same statements: the library, the plain pandas idiom, a plain Python loop and (when
  installed) FinanceToolkit, each starting from the statements in its own layout (prepared outside the timing),
  and again from the long panel with each way's reshaping timed;
- the whole library (value choice, identities, ratios, WACC, EVA; no Snakemake) on synthetic panels of 100, 1,000
  and 10,000 companies x 10 years in one run, and of 1,000, 10,000 and 100,000 companies a batch of companies at a
  time (corpfin.batch): time, peak RSS against the input's size in memory, time per stage, log-log slope; and
  against a per-company loop;
- full rebuild against its two-core floor: Snakemake's own start plus every job's interpreter and imports (a
  Python that loads the job's script preamble and every module the job imported in the first build, traced by
  benchmarks/trace_imports, and does nothing else), run two at a time, as the rebuild runs its jobs on two cores;
  three rebuilds between four floor measurements (the machine's speed drifts), each against the mean of the floors
  around it, the ratio the median of the three; beside it the floor whose interpreters exit as the pipeline's jobs
  do (without the final garbage collection, corpfin.shutdown), and both computed for ideal cores (each job's floor
  timed alone, the sum halved), with the share of twice one core's speed the two cores gave; no-op rebuild, each
  of three right after a `snakemake --version` of its own; incremental rebuild after one synthetic fiscal year; the
  pytest suite's wall time.
Targets are issue 16's; benchmarks/README.md records the figures.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import resource
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pipeline import copy_repo, with_sitecustomize  # noqa: E402
from corpfin.eva import compute_eva, compute_wacc  # noqa: E402
from corpfin.identities import check_identities  # noqa: E402
from corpfin.ratios import compute_ratios  # noqa: E402
from corpfin.select import choose_values  # noqa: E402

# `--quiet` takes any number of values: `--quiet=all` gives it exactly one, so that a target after it is a target
SNAKE = [sys.executable, "-m", "snakemake", "--cores", "2", "--quiet=all"]
VERSION = [sys.executable, "-m", "snakemake", "--version"]   # Snakemake's own start
BATCH = 1000           # companies per batch in the batched runs (corpfin.batch)
KINDS = ["company_document", "filing_summary", "aggregator", "academic", "news"]
DOCS = ["annual_report", "interim_report", "results_announcement", "press_release", "other"]
ITEMS = ["revenue", "cost_of_sales", "gross_profit", "operating_profit", "profit_before_tax", "income_tax_expense",
         "profit_for_year", "profit_attributable_owners", "adjusted_net_profit", "rd_expenses",
         "selling_marketing_expenses", "total_assets", "current_assets", "non_current_assets", "total_liabilities",
         "current_liabilities", "total_equity", "equity_attributable_owners", "inventories", "trade_receivables",
         "cash_and_equivalents", "cfo", "total_borrowings", "interest_expense"]


def timed(cmd, cwd) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"benchmark error: {' '.join(map(str, cmd))} failed in {cwd}:\n{r.stderr[-3000:]}")
    return time.perf_counter() - t


def cpu_timed(cmd, cwd) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and every process it started: user + system, both cores)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(cmd, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def job_counts(cwd, forceall: bool = True) -> dict[str, int]:
    """Jobs per rule of a full rebuild (`forceall`) or of what a plain `snakemake` would run now, from the dry
    run's job stats; the `all` target rule runs nothing and is not counted."""
    out = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", "-n", *(["--forceall"] * forceall)],
                         cwd=cwd, capture_output=True, text=True, check=True)
    text = out.stdout + out.stderr
    if "Job stats:" not in text:                     # nothing to be done
        return {}
    stats = text.split("Job stats:")[1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, flags=re.M)
            if m.group(1) not in ("all", "total")}


def rule_scripts(cwd: Path) -> dict[str, Path]:
    """The script of each rule, read from the rule files (`rule name:` ... `script: "path"`)."""
    out = {}
    for smk in sorted((cwd / "workflow/rules").glob("*.smk")):
        for m in re.finditer(r"^rule (\w+):.*?^\s+script:\s*\n?\s*\"([^\"]+)\"", smk.read_text(), flags=re.M | re.S):
            out[m.group(1)] = (smk.parent / m.group(2)).resolve()
    return out


def script_imports(script: Path) -> str:
    """The module-level import statements of a script, as one line of Python."""
    import ast

    tree = ast.parse(script.read_text())
    return "; ".join(ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                     and not (isinstance(node, ast.ImportFrom) and node.module == "__future__"))


TRACER = ROOT / "benchmarks" / "trace_imports"   # its sitecustomize.py lists the modules each job imported


def traced_env(folder: Path) -> dict:
    """The environment of a build whose jobs write the modules they imported to `folder` (trace_imports)."""
    return with_sitecustomize(TRACER, CORPFIN_TRACE_IMPORTS=str(folder))


def floor_code(script: Path, traced: Path | None) -> str:
    """What a job's floor runs: Snakemake's script preamble and every module the job imported in the traced build
    (lazy imports inside functions included), or, for a job that left no trace, the script's module-level imports."""
    f = traced / f"{script.stem}.txt" if traced else None
    if f is None or not f.exists():
        return "import snakemake.script; " + script_imports(script)
    modules = f.read_text(encoding="utf-8").split()
    # a module that cannot be imported by its name alone (a package's alias) came with its parent
    return ("import importlib, snakemake.script\n"
            f"for m in {modules!r}:\n"
            "    try:\n        importlib.import_module(m)\n    except Exception:\n        pass\n")


FROZEN_EXIT = "\nimport gc; gc.freeze()"   # a floor program's end that skips the final collection, as jobs do


def run_program(code: str, cwd: Path) -> None:
    """One floor program: a fresh Python running `code` in `cwd`, with the project's modules importable."""
    subprocess.run([sys.executable, "-c", code], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(cwd / "scripts")})


def job_floor(cwd: Path, code: str, repeats: int = 3) -> tuple[float, float]:
    """Interpreter + imports of one job, run alone: its floor program (floor_code), which loads Snakemake's script
    preamble and the modules the job imports and does nothing else (median of `repeats`), (as a plain Python
    exits, as the pipeline's jobs exit: without the final garbage collection, corpfin.shutdown). The two are run
    alternately."""
    ts: dict[str, list[float]] = {"plain": [], "frozen": []}
    for _ in range(repeats):
        for kind, tail in (("plain", ""), ("frozen", FROZEN_EXIT)):
            t = time.perf_counter()
            run_program(code + tail, cwd)
            ts[kind].append(time.perf_counter() - t)
    return statistics.median(ts["plain"]), statistics.median(ts["frozen"])


def longest_first(counts: dict[str, int], alone: dict[str, float]) -> list[str]:
    """One entry per job (its rule), the rules whose floor `alone` is longest first (longest processing time
    first: two workers, each taking the next job as soon as it is free, end within 7/6 of the shortest schedule)."""
    return [rule for rule in sorted(counts, key=lambda r: (-alone[r], r)) for _ in range(counts[rule])]


def run_at_once(programs: list[str], cwd: Path, workers: int = 2) -> float:
    """Wall time of running every Python program in `programs`, `workers` at a time, in the order given: each
    worker starts the next program as soon as its last one ends, as Snakemake starts jobs on free cores."""
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda code: run_program(code, cwd), programs))
    return time.perf_counter() - t


@dataclass(frozen=True)
class Floor:
    """A full rebuild's floors (seconds): `start`, Snakemake's own start (`snakemake --version`), plus every job's
    interpreter and imports: `measured`, the floor programs run two at a time on this machine's two cores (the
    headline); `ideal`, their serial sum halved, as if two programs at once ran each at the speed of one alone;
    each `_frozen` with interpreters that exit as the pipeline's jobs do."""
    start: float
    measured: float
    measured_frozen: float
    ideal: float
    ideal_frozen: float

    @property
    def two_core_speed(self) -> float:
        """How much of twice one core's speed the two cores gave the floor programs (1.0: all of it)."""
        return (self.ideal - self.start) / (self.measured - self.start)


def rebuild_floor(cwd: Path, counts: dict[str, int], repeats: int = 3, traced: Path | None = None) -> Floor:
    """The floors of a full rebuild (Floor). `counts`: jobs per rule (job_counts); `traced`: the trace of each
    job's imports. Each job's floor is first timed alone (job_floor), which orders the programs for the two
    workers (longest_first) and gives the ideal floor; then all of them run two at a time, as the rebuild's jobs
    run."""
    scripts = rule_scripts(cwd)
    codes = {rule: floor_code(scripts[rule], traced) for rule in counts}
    alone = {rule: job_floor(cwd, codes[rule], repeats) for rule in counts}
    start = statistics.median(timed(VERSION, cwd) for _ in range(repeats))
    order = longest_first(counts, {rule: plain for rule, (plain, _) in alone.items()})
    return Floor(start=start,
                 measured=start + run_at_once([codes[rule] for rule in order], cwd),
                 measured_frozen=start + run_at_once([codes[rule] + FROZEN_EXIT for rule in order], cwd),
                 ideal=start + sum(n * alone[rule][0] for rule, n in counts.items()) / 2,
                 ideal_frozen=start + sum(n * alone[rule][1] for rule, n in counts.items()) / 2)


def bracketed_ratios(floors: list[float], walls: list[float]) -> list[float]:
    """Each rebuild's time against the mean of the floors measured just before and just after it (one floor more
    than rebuilds, alternating): a drift of the machine's speed during the run cancels to first order."""
    if len(floors) != len(walls) + 1:
        raise ValueError(f"{len(walls)} rebuilds need {len(walls) + 1} floors around them, not {len(floors)}")
    return [w / ((a + b) / 2) for w, a, b in zip(walls, floors, floors[1:])]


# --- ten common ratios three ways on the same panel: library, plain pandas idiom, plain Python loop ----------
RATIO_NAMES = ["gross_margin", "operating_margin", "net_margin", "roa", "roe", "current_ratio", "total_asset_turnover",
               "inventory_turnover", "receivables_turnover", "interest_coverage"]


def to_wide(panel: pd.DataFrame) -> pd.DataFrame:
    """Items in columns by (company, fiscal_year): the statements as a pandas user holds them."""
    return panel.pivot_table(index=["company", "fiscal_year"], columns="item", values="value", aggfunc="first")


def ratios_library(w: pd.DataFrame) -> pd.DataFrame:
    """The library on statements in columns: its `Wide` (values, reasons, estimate flags), then the ten ratios."""
    from corpfin import ratios as R
    from corpfin.quantity import Wide

    wide = Wide.from_frame(w)
    return pd.DataFrame({n: getattr(R, n)(wide).clean().v for n in RATIO_NAMES})


def ratios_library_long(panel: pd.DataFrame) -> pd.DataFrame:
    """The library from the long panel, as the pipeline calls it (its own unstack inside)."""
    from corpfin import ratios as R
    from corpfin.quantity import Wide

    wide = Wide(panel)
    return pd.DataFrame({n: getattr(R, n)(wide).clean().v for n in RATIO_NAMES})


def ratios_pandas(w: pd.DataFrame) -> pd.DataFrame:
    """The same ratios as a pandas user writes them on statements in columns: column arithmetic, a grouped shift
    for the opening balances (NaN where the prior year is absent)."""
    prev = w.groupby(level=0).shift(1)
    full = w.index.get_level_values(1) - 1 == pd.Series(w.index.get_level_values(1)).groupby(
        w.index.get_level_values(0)).shift(1).to_numpy()
    prev = prev.where(pd.Series(full, index=w.index), axis=0)

    def avg(c):
        return (w[c] + prev[c]) / 2

    eq = avg("equity_attributable_owners")
    out = pd.DataFrame({
        "gross_margin": w["gross_profit"] / w["revenue"] * 100, "operating_margin": w["operating_profit"] / w["revenue"] * 100,
        "net_margin": w["profit_for_year"] / w["revenue"] * 100, "roa": w["profit_for_year"] / avg("total_assets") * 100,
        "roe": w["profit_attributable_owners"] / eq.where(eq > 0) * 100,
        "current_ratio": w["current_assets"] / w["current_liabilities"],
        "total_asset_turnover": w["revenue"] / avg("total_assets"),
        "inventory_turnover": w["cost_of_sales"] / avg("inventories"),
        "receivables_turnover": w["revenue"] / avg("trade_receivables"),
        "interest_coverage": w["operating_profit"] / w["interest_expense"]})
    return out.replace([np.inf, -np.inf], np.nan)


def ratios_pandas_long(panel: pd.DataFrame) -> pd.DataFrame:
    """The idiom from the long panel: one pivot, then the same arithmetic."""
    return ratios_pandas(to_wide(panel))


def ratios_loop(w: pd.DataFrame) -> pd.DataFrame:
    """The same ratios in a plain Python loop over company-years (dicts, no pandas in the loop)."""
    v = w.to_dict("index")
    nan = float("nan")
    rows = {}
    for (c, y), d in v.items():
        p = v.get((c, y - 1), {})

        def avg(it):
            return (d.get(it, nan) + p.get(it, nan)) / 2

        def div(a, b):
            return a / b if b == b and b != 0 and a == a else nan

        eq = avg("equity_attributable_owners")
        rows[(c, y)] = {
            "gross_margin": div(d["gross_profit"], d["revenue"]) * 100,
            "operating_margin": div(d["operating_profit"], d["revenue"]) * 100,
            "net_margin": div(d["profit_for_year"], d["revenue"]) * 100,
            "roa": div(d["profit_for_year"], avg("total_assets")) * 100,
            "roe": div(d["profit_attributable_owners"], eq if eq > 0 else nan) * 100,
            "current_ratio": div(d["current_assets"], d["current_liabilities"]),
            "total_asset_turnover": div(d["revenue"], avg("total_assets")),
            "inventory_turnover": div(d["cost_of_sales"], avg("inventories")),
            "receivables_turnover": div(d["revenue"], avg("trade_receivables")),
            "interest_coverage": div(d["operating_profit"], d["interest_expense"])}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index = pd.MultiIndex.from_tuples(out.index, names=["company", "fiscal_year"])
    return out.sort_index()


# FinanceToolkit's names for the same line items (its normalisation files), and what each of its ratios is in ours:
# the same formulas (averages of the opening and closing balance; EBIT as operating income), margins and returns as
# fractions where ours are per cent
FTK_ITEMS = {"income": {"revenue": "Revenue", "cost_of_sales": "Cost of Goods Sold", "gross_profit": "Gross Profit",
                        "operating_profit": "Operating Income", "profit_for_year": "Net Income",
                        "interest_expense": "Interest Expense"},
             "balance": {"total_assets": "Total Assets", "current_assets": "Total Current Assets",
                         "current_liabilities": "Total Current Liabilities", "total_equity": "Total Equity",
                         "inventories": "Inventory", "trade_receivables": "Accounts Receivable"}}
FTK_RATIOS = {"gross_margin": ("get_gross_margin", 100), "operating_margin": ("get_operating_margin", 100),
              "net_margin": ("get_net_profit_margin", 100), "roa": ("get_return_on_assets", 100),
              "roe": ("get_return_on_equity", 100), "current_ratio": ("get_current_ratio", 1),
              "total_asset_turnover": ("get_asset_turnover_ratio", 1),
              "inventory_turnover": ("get_inventory_turnover_ratio", 1),
              "receivables_turnover": ("get_receivables_turnover", 1),
              "interest_coverage": ("get_interest_coverage_ratio", 1)}


def ftk_statements(w: pd.DataFrame) -> dict:
    """FinanceToolkit's layout of the same statements: (ticker, its item name) by yearly period."""
    t = w.stack().unstack("fiscal_year")
    t.columns = pd.PeriodIndex([str(c) for c in t.columns], freq="Y")
    t.index = t.index.set_names(["company", "item"])
    return {name: t[t.index.get_level_values(1).isin(list(items))].rename(index=items, level=1)
            for name, items in FTK_ITEMS.items()}


def ratios_financetoolkit(statements: dict) -> pd.DataFrame:
    """The same ten ratios with FinanceToolkit on the same statements, offline (no API key, no currency conversion,
    no sleep, no rounding): the Toolkit built inside the timed call, as the library builds its Wide."""
    import logging
    import warnings

    from financetoolkit import Toolkit

    logging.getLogger("financetoolkit").setLevel(logging.ERROR)
    bal = statements["balance"]
    tickers = sorted(bal.index.get_level_values(0).unique())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tk = Toolkit(tickers, balance=bal, income=statements["income"], start_date=f"{bal.columns.min()}-01-01",
                     convert_currency=False, sleep_timer=False, progress_bar=False, rounding=None)
        cols = {}
        for ours, (method, scale) in FTK_RATIOS.items():
            r = getattr(tk.ratios, method)()
            r = r.stack() if isinstance(r.index, pd.Index) and not isinstance(r.index, pd.MultiIndex) else r
            cols[ours] = r.astype(float) * scale
    out = pd.DataFrame(cols)
    out.index = pd.MultiIndex.from_arrays([out.index.get_level_values(0),
                                           [int(str(p)) for p in out.index.get_level_values(1)]],
                                          names=["company", "fiscal_year"])
    return out.replace([np.inf, -np.inf], np.nan)


def ratios_financetoolkit_long(panel: pd.DataFrame) -> pd.DataFrame:
    """FinanceToolkit from the long panel: its statements built inside the timed call, as the others pivot."""
    return ratios_financetoolkit(ftk_statements(to_wide(panel)))


def synthetic_panel(n_companies: int, seed: int = 0) -> pd.DataFrame:
    ev = synthetic_evidence(n_companies, seed=seed)
    return ev[ev["kind"] == "company_document"][["company", "fiscal_year", "period", "item", "value"]]


def bench_ratios(n_companies: int, repeats: int = 3) -> dict:
    """Median time of each way, (a) on the same statements in columns, each in its own layout prepared outside the
    timing (the main comparison: arithmetic, not reshaping), and (b) from the same long panel with each way's
    reshaping timed; every way must agree with the pandas idiom (1e-9 relative)."""
    panel = synthetic_panel(n_companies)
    w = to_wide(panel)
    inputs = {"wide": w, "long": panel}
    ways = [("library", "wide", ratios_library), ("pandas idiom", "wide", ratios_pandas),
            ("python loop", "wide", ratios_loop),
            ("library from long", "long", ratios_library_long), ("pandas idiom from long", "long", ratios_pandas_long)]
    if has_financetoolkit():
        inputs["statements"] = ftk_statements(w)
        ways += [("FinanceToolkit", "statements", ratios_financetoolkit),
                 ("FinanceToolkit from long", "long", ratios_financetoolkit_long)]
    times, results = {}, {}
    for name, src, fn in ways:
        ts = []
        for _ in range(repeats):
            t = time.perf_counter()
            results[name] = fn(inputs[src])
            ts.append(time.perf_counter() - t)
        times[name] = statistics.median(ts)
    ref = results["pandas idiom"].sort_index()[RATIO_NAMES]
    for name in results:
        # FinanceToolkit recomputes gross profit as revenue - cost of goods sold, where the others read the printed
        # gross profit: they differ by its rounding (< 1e-3 relative); every other ratio agrees to 1e-12
        other = results[name].reindex(ref.index)[RATIO_NAMES]
        for c in RATIO_NAMES:
            rtol = 1e-3 if (c == "gross_margin" and name.startswith("FinanceToolkit")) else 1e-9
            if not np.allclose(other[c].to_numpy(float), ref[c].to_numpy(float), rtol=rtol, equal_nan=True):
                raise SystemExit(f"benchmark error: {name}'s {c} differs from the pandas idiom")
    return times


def has_financetoolkit() -> bool:
    """FinanceToolkit is an optional peer (`uv sync --locked --extra bench`)."""
    import importlib.util

    return importlib.util.find_spec("financetoolkit") is not None


def synthetic_evidence(n_companies: int, years=range(2015, 2025), seed: int = 0) -> pd.DataFrame:
    """Made-up, internally consistent statements (two sources per item, one rounded) for n companies."""
    rng = np.random.default_rng(seed)
    comp = np.repeat(np.arange(n_companies), len(years))
    yrs = np.tile(np.array(list(years)), n_companies)
    rev = rng.uniform(1e3, 1e5, len(comp))
    cos = rev * rng.uniform(0.6, 0.9, len(comp))
    op = (rev - cos) * 0.5
    pbt = op * 1.05
    tax = pbt * 0.2
    ta = rev * 1.2
    tl = ta * 0.5
    vals = {"revenue": rev, "cost_of_sales": cos, "gross_profit": rev - cos, "operating_profit": op,
            "profit_before_tax": pbt, "income_tax_expense": tax, "profit_for_year": pbt - tax,
            "profit_attributable_owners": pbt - tax, "adjusted_net_profit": (pbt - tax) * 1.1, "rd_expenses": rev * 0.05,
            "selling_marketing_expenses": rev * 0.06, "total_assets": ta, "current_assets": ta * 0.6,
            "non_current_assets": ta * 0.4, "total_liabilities": tl, "current_liabilities": tl * 0.7,
            "total_equity": ta - tl, "equity_attributable_owners": ta - tl, "inventories": rev * 0.1,
            "trade_receivables": rev * 0.05, "cash_and_equivalents": rev * 0.2, "cfo": op * 1.1,
            "total_borrowings": tl * 0.2, "interest_expense": tl * 0.01}
    n = len(comp)
    blocks = [(item, src) for item in vals for src in range(2)]       # item-major, then source, then company-year
    reps = len(blocks)
    kinds, resolutions = ("company_document", "news"), (0.05, 50.0)
    src_of = np.repeat(np.array([b[1] for b in blocks], dtype=np.int8), n)
    value = np.concatenate([np.round(vals[it], 1) if src == 0 else np.round(vals[it] / 100) * 100
                            for it, src in blocks])

    def const(text: str) -> pd.Categorical:
        return pd.Categorical.from_codes(np.zeros(len(value), dtype=np.int8), categories=[text])

    def by_source(texts: tuple[str, str]) -> pd.Categorical:
        cats = sorted(set(texts))
        return pd.Categorical.from_codes(np.array([cats.index(t) for t in texts], dtype=np.int8)[src_of],
                                         categories=cats)

    items = sorted(vals)
    # text columns as categoricals, as `pd.read_csv(..., dtype="category")` reads them: the table is then about
    # 57 bytes a row instead of about 1.1 kB with one Python string per cell (issue 16's 100,000 companies)
    ids = [f"S{src}-{i}" for src in range(2) for i in range(n)]
    return pd.DataFrame({
        "company": pd.Categorical.from_codes(np.tile(comp, reps), categories=[f"c{c:05d}" for c in range(n_companies)]),
        "fiscal_year": np.tile(yrs, reps), "period": const("FY"),
        "item": pd.Categorical.from_codes(np.repeat(np.array([items.index(b[0]) for b in blocks]), n), categories=items),
        "statement": const("income_statement"), "quantity": const("money"), "value": value,
        "canonical_unit": const("RMB_million"), "currency": const("RMB"),
        "resolution": np.array(resolutions)[src_of], "value_printed": const(""), "unit": const("RMB_million"),
        "source_id": pd.Categorical.from_codes(src_of.astype(np.int32) * n + np.tile(np.arange(n, dtype=np.int32), reps),
                                               categories=ids),
        "kind": by_source(kinds), "reliability_flag": const(""),
        "doc_period_end": by_source(("2024-12-31", "")), "doc_type": by_source(("annual_report", "")),
        "document": const("synthetic"), "url": by_source(("https://example.invalid/0", "https://example.invalid/1")),
        "raw_file": const("synthetic"), "raw_row": np.zeros(len(value), dtype=np.int64)}, copy=False)


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM): unlike getrusage's ru_maxrss, which Linux carries across exec
    from the forking parent, it counts only this program's own memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def library_outputs(evidence: pd.DataFrame, market: pd.DataFrame, cfg: dict,
                    stages: dict | None = None) -> dict[str, pd.DataFrame]:
    """The whole library on one evidence table, every output kept; `stages` (if given) adds the seconds of each
    stage."""
    stages = {} if stages is None else stages
    out: dict[str, pd.DataFrame] = {}

    def stage(name: str, t: float) -> float:
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - t
        return time.perf_counter()

    t = time.perf_counter()
    out["panel"], out["conflicts"], out["evidence"] = choose_values(
        evidence, periods=["FY"], currency="RMB", kinds=KINDS, doc_types=DOCS, relative_tolerance=0.002)
    t = stage("choose values", t)
    panel = out["panel"]
    out["identities"] = check_identities(panel, cfg["cleaning"]["identities"], 0.005)
    t = stage("identities", t)
    out["ratios"] = compute_ratios(panel, 0.25)
    t = stage("ratios", t)
    out["wacc"] = compute_wacc(panel, market, {**cfg["wacc"], "bounds_percent": {"min": 0.0, "max": 100.0}})
    t = stage("WACC", t)
    out["eva"] = compute_eva(panel, market, out["wacc"], cfg["eva"])
    stage("EVA", t)
    return out


def library(evidence: pd.DataFrame, market: pd.DataFrame, cfg: dict, stages: dict | None = None) -> pd.DataFrame:
    """The whole library on one evidence table; returns the EVA build-up."""
    return library_outputs(evidence, market, cfg, stages)["eva"]


def library_in_batches(evidence: pd.DataFrame, market: pd.DataFrame, cfg: dict, companies_per_batch: int,
                       folder: Path, stages: dict) -> tuple[int, int]:
    """The whole library a batch of companies at a time (corpfin.batch), each batch's seven outputs written to
    `folder` as pickles (as the workflow's shards write theirs); returns (batches, rows written)."""
    from corpfin.batch import run_in_batches

    rows = [0]

    def sink(n: int, outputs: dict[str, pd.DataFrame]) -> None:
        for name, frame in outputs.items():
            frame.to_pickle(folder / f"{name}-{n:04d}.pkl")
            rows[0] += len(frame)

    n = run_in_batches(evidence, companies_per_batch, lambda ev: library_outputs(ev, market, cfg, stages), sink)
    return n, rows[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, no rebuild (run by the test suite)")
    ap.add_argument("--rebuild", action="store_true", help="only the rebuild measurements (full, no-op, incremental)")
    ap.add_argument("--library-size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--batch", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    import yaml

    cfg = yaml.safe_load((ROOT / "workflow/config.yaml").read_text())
    if a.library_size:
        market = pd.read_csv(ROOT / "data/processed/market/cost_of_capital.csv")
        ev = synthetic_evidence(a.library_size)
        size = ev.memory_usage(deep=True).sum() / 2**20
        stages: dict = {}
        t = time.perf_counter()
        if a.batch:
            with tempfile.TemporaryDirectory() as tmp:
                library_in_batches(ev, market, cfg, a.batch, Path(tmp), stages)
                dt = time.perf_counter() - t
        else:
            library(ev, market, cfg, stages)
            dt = time.perf_counter() - t
        print(dt, peak_rss_mib(), size,
              " ".join(f"{k.replace(' ', '_')}={v:.2f}" for k, v in stages.items()))
        return
    print(f"machine: {platform.processor() or platform.machine()}, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}, cores available: {len(os.sched_getaffinity(0))}")
    market_path = ROOT / "data/processed/market/cost_of_capital.csv"
    if not market_path.exists():
        subprocess.run([*SNAKE, str(market_path.relative_to(ROOT))], cwd=ROOT, check=True)
    market = pd.read_csv(market_path)

    sizes = () if a.rebuild else (10, 50) if a.smoke else (1000, 10000)
    for n in sizes:
        t = bench_ratios(n)
        ftk = (f"; FinanceToolkit {t['FinanceToolkit']:.4f} s = {t['FinanceToolkit'] / t['library']:.1f}x the library "
               "(target >= 10x)" if "FinanceToolkit" in t else
               "; FinanceToolkit not installed (uv sync --locked --extra bench)")
        print(f"ten ratios, {n:>6} companies x 10 years, from statements in columns: library {t['library']:.4f} s, "
              f"pandas idiom {t['pandas idiom']:.4f} s, python loop {t['python loop']:.4f} s; library / idiom "
              f"{t['library'] / t['pandas idiom']:.1f}x (target <= 3x), loop / library "
              f"{t['python loop'] / t['library']:.1f}x{ftk}; values identical")
        ftk_long = (f", FinanceToolkit {t['FinanceToolkit from long']:.4f} s = "
                    f"{t['FinanceToolkit from long'] / t['library from long']:.1f}x the library"
                    if "FinanceToolkit" in t else "")
        print(f"  the same from the long panel, reshaping timed: library {t['library from long']:.4f} s, pandas idiom "
              f"{t['pandas idiom from long']:.4f} s = {t['library from long'] / t['pandas idiom from long']:.1f}x"
              f"{ftk_long}")
    if a.smoke:
        out = subprocess.run([sys.executable, __file__, "--library-size", "20"], capture_output=True, text=True,
                             check=True).stdout.split()
        print(f"library, 20 companies x 10 years: {float(out[0]):.2f} s; stages: {' '.join(out[3:])}")
        out = subprocess.run([sys.executable, __file__, "--library-size", "20", "--batch", "7"], capture_output=True,
                             text=True, check=True).stdout.split()
        print(f"library, 20 companies x 10 years in batches of 7: {float(out[0]):.2f} s; stages: {' '.join(out[3:])}")
        print("smoke run: OK")
        return
    if not a.quick:
        with tempfile.TemporaryDirectory() as tmp:
            work = copy_repo(Path(tmp))
            # the first build also writes bytecode (not counted) and records the modules each job imports
            traced = Path(tmp) / "imports"
            traced.mkdir()
            first = subprocess.run(SNAKE, cwd=work, capture_output=True, text=True, env=traced_env(traced))
            if first.returncode:
                raise SystemExit(f"benchmark error: the first build failed in {work}:\n{first.stderr[-3000:]}")
            counts = job_counts(work)
            jobs = sum(counts.values())
            # the machine's speed drifts: the three rebuilds alternate with four floor measurements, and each
            # rebuild is set against the mean of the floors just before and just after it
            floors = [rebuild_floor(work, counts, repeats=2, traced=traced)]
            runs = []
            for _ in range(3):
                runs.append(cpu_timed([*SNAKE, "--forceall"], work))
                floors.append(rebuild_floor(work, counts, repeats=2, traced=traced))
            walls = [w for w, _ in runs]
            full = statistics.median(walls)
            cpu = statistics.median(c for _, c in runs)

            def against(kind: str) -> tuple[float, list[float]]:
                """The median floor of one kind and the three rebuilds' bracketed ratios to it, sorted."""
                values = [getattr(f, kind) for f in floors]
                return statistics.median(values), sorted(bracketed_ratios(values, walls))

            def listed(ratios: list[float]) -> str:
                return f"{ratios[1]:.2f} (median of {', '.join(f'{r:.2f}' for r in ratios)})"

            floor, ratios = against("measured")
            frozen, frozen_ratios = against("measured_frozen")
            ideal, ideal_ratios = against("ideal")
            ideal_frozen, ideal_frozen_ratios = against("ideal_frozen")
            start = statistics.median(f.start for f in floors)
            speeds = sorted(f.two_core_speed for f in floors)
            print(f"full rebuild (--forceall), three rebuilds between four floors: {full:.1f} s (median) for {jobs} "
                  f"jobs; two-core floor {floor:.1f} s (Snakemake's start {start:.2f} s + every job's interpreter and "
                  f"the modules it imports, run two at a time on this machine's two cores); ratio {listed(ratios)}; "
                  "target <= 2")
            # the pipeline's jobs skip the interpreter's final garbage collection (corpfin.shutdown), which a plain
            # Python pays: the floor whose interpreters exit as the jobs do, beside it
            print(f"  against the floor whose interpreters also skip the final garbage collection, as the jobs do: "
                  f"{frozen:.1f} s; ratio {listed(frozen_ratios)}")
            # the floor as if the second core doubled the speed: two programs at once, each as fast as one alone
            print(f"  against the floor computed for ideal cores (each job's floor timed alone, the sum halved): "
                  f"{ideal:.1f} s; ratio {listed(ideal_ratios)}; with the final collection skipped {ideal_frozen:.1f}"
                  f" s, ratio {listed(ideal_frozen_ratios)}. The two cores ran the floor programs at "
                  f"{statistics.median(speeds):.2f} of twice one core's speed ({', '.join(f'{v:.2f}' for v in speeds)})")
            # what no schedule can beat on ideal cores: the rebuild's CPU time (Snakemake's and every job's,
            # imports and work) shared perfectly by both
            print(f"  CPU time of the rebuild {cpu:.1f} s (all processes); on two cores at best {cpu / 2:.1f} s = "
                  f"{cpu / 2 / ideal:.2f}x the ideal floor; the rebuild takes {full / (cpu / 2):.2f}x that bound")
            # each no-op right after a `snakemake --version` of its own, as the rebuilds between their floors
            versions, noops = [], []
            for _ in range(3):
                versions.append(timed(VERSION, work))
                noops.append(timed(SNAKE, work))
            noop_ratios = sorted(n / v for n, v in zip(noops, versions))
            print(f"no-op rebuild: {statistics.median(noops):.2f} s against `snakemake --version` "
                  f"{statistics.median(versions):.2f} s; ratio {noop_ratios[1]:.2f} (median of "
                  f"{', '.join(f'{r:.2f}' for r in noop_ratios)}; target <= 1.5x)")
            d = work / "data/raw/xiaomi/2025"
            with open(d / "figures.csv", "a") as f:
                f.write("xiaomi,2025,FY,revenue,400000,RMB_million,,BENCH1\n")
            with open(d / "sources.csv", "a") as f:
                f.write('BENCH1,company_document,SYNTHETIC benchmark row,,https://example.invalid,"SYNTHETIC",,'
                        '2025-12-31,results_announcement,benchmarks/run.py\n')
            c = work / "workflow/config.yaml"
            c.write_text(c.read_text().replace("last: 2024}", "last: 2025}"))
            rerun = sum(job_counts(work, forceall=False).values())
            inc = timed(SNAKE, work)
            print(f"incremental rebuild (one synthetic FY2025 extract): {rerun} of {jobs} jobs rerun, {inc:.1f} s")
    if a.rebuild:
        return

    def run_library(n: int, batch: int = 0) -> tuple[float, float, float, str]:
        """One size in a fresh process: wall time, the process's peak RSS (MiB), the input's size (MiB), stages."""
        out = subprocess.run([sys.executable, __file__, "--library-size", str(n), "--batch", str(batch)],
                             capture_output=True, text=True, check=True).stdout.split()
        return float(out[0]), float(out[1]), float(out[2]), " ".join(out[3:])

    def slope(times: dict[int, float]) -> float:
        """Log-log slope of time against companies (1.0 = linear)."""
        n = sorted(times)
        return float(np.polyfit(np.log(n), np.log([times[k] for k in n]), 1)[0])

    rates, whole = {}, {}
    for n in (100, 1000, 10000):
        dt, peak, size, stages = run_library(n)
        rates[n], whole[n] = n * 10 / dt, dt
        print(f"library, {n:>6} companies x 10 years, one run: {dt:7.2f} s (target at 10,000: <= 15 s), "
              f"{rates[n]:10,.0f} company-years/s, peak RSS {peak:,.0f} MiB = {peak / size:.1f}x the input's "
              f"{size:,.0f} MiB in memory (every output kept); stages: {stages}")
    print(f"linearity of one run: log-log slope {slope(whole):.2f} (1.00 = linear); time(10,000) / time(1,000) = "
          f"{whole[10000] / whole[1000]:.2f}")
    batched = {}
    for n in ((1000, 10000) if a.quick else (1000, 10000, 100000)):
        dt, peak, size, stages = run_library(n, BATCH)
        batched[n] = dt
        print(f"library, {n:>6} companies x 10 years, batches of {BATCH:,} companies (corpfin.batch, outputs written "
              f"as pickles): {dt:7.2f} s, peak RSS {peak:,.0f} MiB = {peak / size:.1f}x the input's {size:,.0f} MiB "
              f"(targets: <= 3x; 100,000 companies within 8 GB = {8e9 / 2**20:,.0f} MiB); stages: {stages}")
    print(f"linearity in batches: log-log slope {slope(batched):.2f} (1.00 = linear)")
    ev = synthetic_evidence(100, seed=1)
    t = time.perf_counter()
    for _, g in ev.groupby("company"):
        library(g, market, cfg)
    loop_rate = 100 * 10 / (time.perf_counter() - t)
    print(f"per-company loop, 100 companies: {loop_rate:,.0f} company-years/s; vectorised at 1,000 companies is "
          f"{rates[1000] / loop_rate:.1f}x the loop (target >= 10x)")

    if not a.quick:
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                           capture_output=True, text=True)
        print(f"pytest suite: {time.perf_counter() - t:.1f} s ({r.stdout.strip().splitlines()[-1]})")


if __name__ == "__main__":
    main()
