"""Robustness of the sign of EVA: every method and year recomputed under each alternative method choice.

Scenarios (issue 13): the lowest and the highest sourced beta (all Xiaomi betas in the market data, any window),
the other ERP timing (start of the fiscal year instead of its end, or the reverse), the other risk-free treatment,
the other imputation mode (strict against tiered), and the R&D lives of the sensitivity table (Stern Stewart).
For each method and year the summary says whether the sign of the base EVA holds under every scenario that
yields a value: the paper's statements about value creation rest on that column. A scenario recomputes only the
methods that read what it changes (corpfin.eva.METHOD_READS); the others keep the base's EVA.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .derive import panel_in_mode
from .cost_of_capital import compute_wacc
from .eva import METHOD_READS, compute_eva

OTHER_TIMING = {"start_of_next_year": "start_of_year", "start_of_year": "start_of_next_year"}
OTHER_TREATMENT = {"less_default_spread": "local_no_crp", "local_no_crp": "less_default_spread"}


def sourced_betas(market: pd.DataFrame, prefix: str) -> pd.DataFrame:
    m = market[market["item"].astype(str).str.startswith(prefix) & market["value"].notna()]
    if "chosen" in m:
        m = m[m["chosen"].astype(bool)]
    return m.sort_values(["value", "source_id"])


def scenarios(panel: pd.DataFrame, market: pd.DataFrame, wacc_cfg: dict, eva_cfg: dict, imputation: dict,
              identities: list[dict], catalogue: pd.DataFrame, beta_prefix: str) -> list[dict]:
    """name, description, panel, wacc config, imputation, beta override, eva config for each scenario."""
    base = {"name": "base", "description": "as configured", "panel": panel, "wacc": wacc_cfg, "imp": imputation,
            "beta": None, "eva": eva_cfg}
    out = [base]
    betas = sourced_betas(market, beta_prefix)
    if not betas.empty:
        lo, hi = betas.iloc[0], betas.iloc[-1]
        out.append({**base, "name": "beta_low", "beta": float(lo["value"]),
                    "description": f"beta {lo['value']:g} ({lo['source_id']}), the lowest sourced"})
        out.append({**base, "name": "beta_high", "beta": float(hi["value"]),
                    "description": f"beta {hi['value']:g} ({hi['source_id']}), the highest sourced"})
    timing = OTHER_TIMING[wacc_cfg["equity_risk_premium"]["timing"]]
    out.append({**base, "name": "erp_timing", "description": f"ERP published at the {timing.replace('_', ' ')}",
                "wacc": {**wacc_cfg, "equity_risk_premium": {**wacc_cfg["equity_risk_premium"], "timing": timing}}})
    treat = OTHER_TREATMENT[wacc_cfg["risk_free"].get("treatment", "less_default_spread")]
    out.append({**base, "name": "risk_free", "description": f"risk-free treatment {treat.replace('_', ' ')}",
                "wacc": {**wacc_cfg, "risk_free": {**wacc_cfg["risk_free"], "treatment": treat}}})
    alt_mode = "strict" if imputation["mode"] == "tiered" else "tiered"
    alt_panel = panel_in_mode(panel, alt_mode, identities, imputation["derived_identities"], catalogue)
    out.append({**base, "name": "imputation", "description": f"imputation {alt_mode}", "panel": alt_panel,
                "imp": {**imputation, "mode": alt_mode}})
    for life in eva_cfg["robustness_rd_life_years"]:
        if life != eva_cfg["stern_stewart"]["rd_life_years"]:
            out.append({**base, "name": f"rd_life_{life}", "description": f"R&D life {life} years",
                        "eva": {**eva_cfg, "stern_stewart": {**eva_cfg["stern_stewart"], "rd_life_years": life}}})
    return out


def _eva_rows(buildup: pd.DataFrame) -> pd.DataFrame:
    """company, fiscal_year, method, eva, status: the EVA line of a build-up, in its order."""
    e = buildup[buildup["line"] == "eva"][["company", "fiscal_year", "method", "value", "status"]]
    return e.rename(columns={"value": "eva"})


def methods_to_recompute(sc: dict, base: dict) -> tuple[str, ...] | None:
    """The EVA methods a scenario can change, against the base scenario (corpfin.eva.METHOD_READS): None (all) when it
    changes the panel or the imputation, or an EVA setting no single method owns; otherwise the methods that read
    its WACC table (when its WACC inputs differ) or the setting it changes. scenarios() builds every scenario from
    the base, so an input it does not change is the base's own object."""
    if sc["panel"] is not base["panel"] or sc["imp"] is not base["imp"]:    # everything moves
        return None
    changed = {k for k in set(sc["eva"]) | set(base["eva"]) if sc["eva"].get(k) != base["eva"].get(k)}
    if sc["wacc"] is not base["wacc"] or sc["beta"] != base["beta"]:
        changed.add("wacc")
    owned = set().union(*METHOD_READS.values())
    if changed - owned:
        return None
    return tuple(m for m, reads in METHOD_READS.items() if reads & changed)


def replace_methods(base: pd.DataFrame, new: pd.DataFrame, methods: tuple[str, ...]) -> pd.DataFrame:
    """The base EVA rows with those of `methods` replaced by `new` (the same rows, in the same order)."""
    out = base.copy()
    at = out["method"].isin(methods).to_numpy()
    keys = ["company", "fiscal_year", "method"]
    if at.sum() != len(new) or not (out.loc[at, keys].astype(str).to_numpy() == new[keys].astype(str).to_numpy()).all():
        raise ValueError(f"the recomputed EVA rows of {methods} do not match the base's rows")
    out.loc[at, "eva"] = new["eva"].to_numpy()
    out.loc[at, "status"] = new["status"].to_numpy()
    return out


def robustness(panel: pd.DataFrame, market: pd.DataFrame, wacc_cfg: dict, eva_cfg: dict, imputation: dict,
               identities: list[dict], catalogue: pd.DataFrame, beta_prefix: str = "xiaomi_beta"
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long: company, fiscal_year, method, scenario, description, eva, status; summary per company, year and method:
    base EVA, min, max, scenarios with a value, and the verdict on the sign)."""
    frames = []
    waccs: dict[tuple, pd.DataFrame | ValueError] = {}
    base_rows: pd.DataFrame | None = None
    base_sc: dict = {}
    for sc in scenarios(panel, market, wacc_cfg, eva_cfg, imputation, identities, catalogue, beta_prefix):
        # a scenario that changes only the EVA method (an R&D life) has the base's WACC inputs, the same objects
        # (scenarios builds each from the base): its WACC is the base's, computed once
        key = (id(sc["panel"]), id(sc["wacc"]), id(sc["imp"]), sc["beta"])
        if key not in waccs:
            try:
                waccs[key] = compute_wacc(sc["panel"], market, sc["wacc"], sc["imp"], beta_override=sc["beta"])
            except ValueError as e:  # a WACC outside the bounds under this scenario: recorded, not fatal
                waccs[key] = e
        w = waccs[key]
        if isinstance(w, ValueError):
            frames.append(pd.DataFrame({"scenario": [sc["name"]], "description": [sc["description"]],
                                        "status": [str(w)]}))
            continue
        only = None if base_rows is None else methods_to_recompute(sc, base_sc)
        if only is None:
            e = _eva_rows(compute_eva(sc["panel"], market, w, sc["eva"]))
        else:   # the other methods' EVA is the base's: they read nothing this scenario changes
            e = replace_methods(base_rows, _eva_rows(compute_eva(sc["panel"], market, w, sc["eva"], only)), only)
        if sc["name"] == "base":
            base_rows, base_sc = e, sc
        frames.append(e.assign(scenario=sc["name"], description=sc["description"]))
    long = pd.concat(frames, ignore_index=True)
    long = long.dropna(subset=["company"])[["company", "fiscal_year", "method", "scenario", "description", "eva",
                                            "status"]]
    long["fiscal_year"] = long["fiscal_year"].astype(int)
    base = long[long["scenario"] == "base"].set_index(["company", "fiscal_year", "method"])["eva"]
    g = long.groupby(["company", "fiscal_year", "method"])["eva"]
    summary = pd.DataFrame({"base": base, "min": g.min(), "max": g.max(), "n_scenarios": g.count(),
                            "n_total": g.size()}).reset_index()
    sign = np.sign(summary["base"])
    holds = (np.sign(summary["min"]) == sign) & (np.sign(summary["max"]) == sign)
    summary["sign"] = np.select([summary["base"].isna(), ~holds, sign > 0, sign < 0],
                                ["no base value", "not robust", "robust positive", "robust negative"], "zero")
    return (long.sort_values(["company", "method", "fiscal_year", "scenario"]).reset_index(drop=True),
            summary.sort_values(["company", "method", "fiscal_year"]).reset_index(drop=True))
