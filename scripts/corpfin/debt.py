"""One series of interest-bearing debt: the figure where a source prints it, a checked derivation where none does.

Economic definition (one for every year): interest-bearing debt as the year's balance sheet states it. Under IFRS 16
(from FY2019) lease liabilities are interest-bearing debt; before it leases were off the balance sheet; before a
listing, convertible redeemable preferred shares carried as liabilities are in it (EVA treats them as capital, and
the capital line adds debt to equity, so they count once). The series item (`eva.debt.item`) takes, per year:

1. a printed figure of that definition (`reported_items`, first listed first), basis `reported`;
2. otherwise, in tiered imputation, a third party's ratio times the company's own base figure (`derivations`, e.g.
   debt-to-equity x total equity, or debt-to-assets x total assets), basis `derived`; the first derivation in the
   configured order that has a value and that passed its check.

The check (`check_derivations`): on every year where both the printed figure and the derivation exist, they must agree
within the rounding of the printed ratio (half a unit of its last digit, times the base), the rounding of the printed
figure, and `check_tolerance_relative` of it. A derivation with no such year, or one that fails in any, is never
used. The check table lists every comparison with its error, so a reader sees why a derivation is or is not used.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .derive import BASIS_DERIVED

KEY = ["company", "fiscal_year"]


def _fy(panel: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The FY rows of `items`, reported or FX-estimated only (never a derived value: a derivation is not built on
    another one)."""
    p = panel[(panel["period"] == "FY") & panel["item"].isin(items)]
    if "basis" in p:
        p = p[p["basis"] != BASIS_DERIVED]
    return p


def printed_debt(panel: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Per company-year, the first figure among `items` (printed, or an identity's derivation of it, which keeps its
    mark): company, fiscal_year, value, resolution, item and the rest of its panel row."""
    p = panel[(panel["period"] == "FY") & panel["item"].isin(items)]
    if p.empty:
        return pd.DataFrame(columns=KEY + ["value", "resolution", "item"])
    order = {it: k for k, it in enumerate(items)}
    p = p.assign(_o=p["item"].map(order)).sort_values(KEY + ["_o"]).drop_duplicates(KEY)
    return p.drop(columns="_o").reset_index(drop=True)


def derived_debt(panel: pd.DataFrame, d: dict) -> pd.DataFrame:
    """One derivation, every year where its ratio and base exist: value = ratio / per x base, and its rounding
    (half a unit of the ratio's last printed digit / per x base, plus the base's own rounding)."""
    p = _fy(panel, [d["ratio"], d["base"]])
    r = p[p["item"] == d["ratio"]].drop_duplicates(KEY).set_index(KEY)
    b = p[p["item"] == d["base"]].drop_duplicates(KEY).set_index(KEY)
    both = r.index.intersection(b.index)
    r, b = r.loc[both], b.loc[both]
    per = float(d["per"])
    value = r["value"] / per * b["value"]
    resolution = r["resolution"] / per * b["value"].abs() + b["resolution"] * (r["value"] / per).abs()
    return pd.DataFrame({"value": value, "resolution": resolution, "ratio_value": r["value"],
                         "ratio_source_id": r["source_id"], "base_value": b["value"],
                         "base_source_id": b["source_id"]}).reset_index()


def check_derivations(panel: pd.DataFrame, cfg: dict) -> pd.DataFrame:
    """Every comparison of a derivation with a printed figure of the definition: company, derivation, fiscal_year,
    printed, its item, derived, difference, relative_error, allowance, agrees; and per derivation the verdict
    (`used`: every comparison agrees and there is at least one)."""
    cols = ["company", "derivation", "fiscal_year", "printed", "printed_item", "derived", "difference",
            "relative_error", "allowance", "agrees", "used"]
    printed = printed_debt(panel, list(cfg["reported_items"]))
    rows = []
    for d in cfg["derivations"]:
        name = f"{d['ratio']} x {d['base']}" + (f" / {d['per']:g}" if float(d["per"]) != 1 else "")
        m = derived_debt(panel, d).merge(printed[KEY + ["value", "resolution", "item"]], on=KEY,
                                         suffixes=("", "_printed"))
        for company in sorted(set(derived_debt(panel, d)["company"]) | set(m["company"])):
            mc = m[m["company"] == company]
            allowance = mc["resolution"] + mc["resolution_printed"] + float(cfg["check_tolerance_relative"]) * \
                mc["value_printed"].abs()
            diff = mc["value"] - mc["value_printed"]
            agrees = diff.abs() <= allowance
            used = bool(len(mc)) and bool(agrees.all())
            if mc.empty:
                rows.append({"company": company, "derivation": name, "fiscal_year": np.nan, "printed": np.nan,
                             "printed_item": "", "derived": np.nan, "difference": np.nan, "relative_error": np.nan,
                             "allowance": np.nan, "agrees": False, "used": False})
            for (_, r), a, df, ok in zip(mc.iterrows(), allowance, diff, agrees):
                rows.append({"company": company, "derivation": name, "fiscal_year": int(r["fiscal_year"]),
                             "printed": r["value_printed"], "printed_item": r["item"], "derived": r["value"],
                             "difference": df, "relative_error": df / abs(r["value_printed"]),
                             "allowance": a, "agrees": bool(ok), "used": used})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["company", "derivation", "fiscal_year"], kind="stable").reset_index(drop=True)


def debt_rows(panel: pd.DataFrame, cfg: dict, derive: bool, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Panel rows of the series item (same columns as the panel): the printed figure where one exists, else (when
    `derive`) the first derivation in the configured order that passed its check and has a value."""
    item = cfg["item"]
    printed = printed_debt(panel, list(cfg["reported_items"]))
    rows = [pd.concat([r.drop("item"), pd.Series({"item": item})]) for _, r in printed.iterrows()]
    have = {(r["company"], int(r["fiscal_year"])) for r in rows}
    if derive:
        checks = check_derivations(panel, cfg)
        for d in cfg["derivations"]:
            name = f"{d['ratio']} x {d['base']}" + (f" / {d['per']:g}" if float(d["per"]) != 1 else "")
            passed = set(checks.loc[(checks["derivation"] == name) & checks["used"], "company"])
            for _, r in derived_debt(panel, d).iterrows():
                key = (r["company"], int(r["fiscal_year"]))
                if key in have or r["company"] not in passed:
                    continue
                have.add(key)
                rows.append(pd.Series({
                    "company": r["company"], "fiscal_year": int(r["fiscal_year"]), "period": "FY", "item": item,
                    "statement": "balance_sheet", "quantity": "money", "value": float(r["value"]),
                    "canonical_unit": panel["canonical_unit"].iloc[0] if len(panel) else "",
                    "resolution": float(r["resolution"]), "value_printed": "", "unit": "",
                    "source_id": f"derived:{d['ratio']}", "kind": BASIS_DERIVED,
                    "document": (f"derived: {d['ratio']} {r['ratio_value']:g} ({r['ratio_source_id']}) / "
                                 f"{float(d['per']):g} x {d['base']} {r['base_value']:.4f} ({r['base_source_id']}); "
                                 "the derivation agreed with every printed figure of the definition (debt checks)"),
                    "url": "", "raw_file": "", "raw_row": np.nan, "precedence_source_id": "", "n_sources": 0,
                    "n_agreeing": 0, "n_conflicting": 0, "basis": BASIS_DERIVED, "fx_rate": np.nan,
                    "fx_source_id": ""}))
    if not rows:
        return pd.DataFrame(columns=panel.columns)
    out = pd.DataFrame(rows).reindex(columns=panel.columns)
    cat = catalogue.set_index("item")
    if item in cat.index:
        out["statement"] = cat.at[item, "statement"]
    return out


def with_debt_series(panel: pd.DataFrame, cfg: dict | None, derive: bool, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The panel with the series item rebuilt from scratch (idempotent: any earlier rows of it are dropped)."""
    if not cfg:
        return panel
    base = panel[panel["item"] != cfg["item"]]
    rows = debt_rows(base, cfg, derive, catalogue)
    if rows.empty:
        return base.reset_index(drop=True)
    return pd.concat([base, rows], ignore_index=True).sort_values(
        ["company", "fiscal_year", "period", "item"], kind="stable").reset_index(drop=True)
