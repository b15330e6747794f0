"""Computability of every ratio, the WACC and each EVA method, in strict and in tiered imputation mode.

Both modes are computed in one job from the same built panel: strict = the panel without derived rows and the
market inputs without derived or carried values (beta and the country premium at their configured vintage);
tiered = strict plus every value an accounting identity derives (corpfin.derive) and the market inputs by vintage.
For each series: the fiscal years computable in each mode, the years gained, and what the remaining gaps need
(the missing inputs named by the library, years compressed into ranges).
"""
from __future__ import annotations

import re

import pandas as pd

from .derive import panel_in_mode
from .cost_of_capital import compute_wacc
from .eva import compute_eva, eva_summary
from .ratios import compute_ratios
from .markdown import year_ranges
from .vocabulary import label

EVA_METHODS = ("simple", "residual_income_adjusted", "residual_income", "stern_stewart", "sasac")


def needs(reasons: pd.Series) -> str:
    """'missing x FY2015; missing x FY2016; missing y FY2016' -> 'x FY2015-2016; y FY2016' (other reasons as is)."""
    miss: dict[str, list[int]] = {}
    other: list[str] = []
    for text in reasons.dropna():
        for part in str(text).split("; "):
            m = re.fullmatch(r"missing (.+) FY(\d{4})", part.strip())
            if m:
                miss.setdefault(m.group(1), []).append(int(m.group(2)))
            elif part and part not in other:
                other.append(part)
    return "; ".join([f"{k} FY{year_ranges(v)}" for k, v in sorted(miss.items())] + other)


def _series_years(frame: pd.DataFrame, key: list[str], value: str) -> pd.DataFrame:
    ok = frame[frame[value].notna()]
    yrs = ok.groupby(key)["fiscal_year"].apply(list)
    why = frame[frame[value].isna()].groupby(key)["status"].apply(needs)
    return pd.DataFrame({"years": yrs, "needs": why})


def both_modes(panel: pd.DataFrame, market: pd.DataFrame, cfg: dict, catalogue: pd.DataFrame) -> dict:
    """Outputs (ratios, wacc, eva summary) in each mode: {'strict': (...), 'tiered': (...)}."""
    imp = cfg["imputation"]
    out = {}
    for mode in ("strict", "tiered"):
        p = panel_in_mode(panel, mode, cfg["cleaning"]["identities"], imp["derived_identities"], catalogue,
                          cfg["eva"].get("debt"))
        imp_m = {**imp, "mode": mode}
        r = compute_ratios(p, float(cfg["ratios"]["roic_tax_rate_percent"]) / 100.0)
        w = compute_wacc(p, market, dict(cfg["wacc"]), imp_m)
        b = compute_eva(p, market, w, {**cfg["eva"]})
        s = pd.concat([eva_summary(b, m) for m in EVA_METHODS], ignore_index=True)
        out[mode] = (r, w, s)
    return out


def computability_table(panel: pd.DataFrame, market: pd.DataFrame, cfg: dict, catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per series (ratio, WACC, EVA method): group, series, strict years, tiered years, gained, needs."""
    res = both_modes(panel, market, cfg, catalogue)
    rows = {}
    for mode, (r, w, s) in res.items():
        ry = _series_years(r, ["group", "ratio"], "value")
        wy = _series_years(w.assign(group="cost of capital", ratio="wacc"), ["group", "ratio"], "wacc")
        ey = _series_years(s.assign(group="eva", ratio=s["method"]), ["group", "ratio"], "eva")
        rows[mode] = pd.concat([ry, wy, ey])
    st, ti = rows["strict"], rows["tiered"]
    idx = ti.index.union(st.index)
    st, ti = st.reindex(idx), ti.reindex(idx)
    as_list = lambda v: v if isinstance(v, list) else []  # noqa: E731
    out = pd.DataFrame({
        "group": [g for g, _ in idx], "series": [n for _, n in idx],
        "n_strict": [len(as_list(v)) for v in st["years"]], "strict": [year_ranges(as_list(v)) for v in st["years"]],
        "n_tiered": [len(as_list(v)) for v in ti["years"]], "tiered": [year_ranges(as_list(v)) for v in ti["years"]],
        "gained": [year_ranges(sorted(set(as_list(b)) - set(as_list(a)))) for a, b in zip(st["years"], ti["years"])],
        "tiered_gaps_need": ti["needs"].fillna("").to_numpy(),
    })
    order = {g: k for k, g in enumerate(["profitability", "solvency", "operating_capacity", "growth", "profit_quality",
                                         "cost_structure", "profit_model", "cost of capital", "eva"])}
    out["_o"] = out["group"].map(order).fillna(len(order))
    return out.sort_values(["_o", "series"]).drop(columns="_o").reset_index(drop=True)


def computability_markdown(table: pd.DataFrame, first: int, last: int) -> str:
    """The README / paper table: years computable per series in each mode (counts over the window)."""
    lines = [f"Years FY{first}-FY{last} computable in strict mode (reported figures and FX estimates) and in tiered "
             "mode (plus derived identity values and carried market parameters), per series; the last column names "
             "the inputs the remaining gaps need.", "",
             "| Group | Series | Strict | Tiered | Gained | Remaining gaps need |",
             "| :--- | :--- | :--- | :--- | :--- | :--- |"]
    for r in table.itertuples(index=False):
        s = f"{r.n_strict} ({r.strict})" if r.n_strict else "0"
        t = f"{r.n_tiered} ({r.tiered})" if r.n_tiered else "0"
        need = str(r.tiered_gaps_need).replace("|", "\\|") or "–"
        lines.append(f"| {label(r.group)} | {label(r.series)} | {s} | {t} | {r.gained or '–'} | {need} |")
    return "\n".join(lines) + "\n"
