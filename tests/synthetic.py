"""Made-up companies for tests and the benchmark: internally consistent statements for any number of companies (two
sources per item, one rounded), and the whole library (value choice, identities, ratios, WACC, EVA) run on them."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

from corpfin.companies import settings_of
from corpfin.cost_of_capital import compute_wacc
from corpfin.eva import compute_eva
from corpfin.identities import check_identities
from corpfin.ratios import compute_ratios
from corpfin.select import choose_values

KINDS = ["company_document", "filing_summary", "aggregator", "academic", "news"]
DOCS = ["annual_report", "interim_report", "results_announcement", "press_release", "other"]


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
    s = settings_of(cfg, "xiaomi")             # the made-up companies take Xiaomi's market, beta and EVA settings
    out["wacc"] = compute_wacc(panel, market, {**s["wacc"], "bounds_percent": {"min": 0.0, "max": 100.0}})
    t = stage("WACC", t)
    out["eva"] = compute_eva(panel, market, out["wacc"], s["eva"])
    stage("EVA", t)
    return out
