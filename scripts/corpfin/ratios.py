"""Financial ratios of the three case studies, one function each.

Every function takes a `Wide` view of the cleaned panel (money in RMB million, counts in their own
units) and returns a `Q`: values by (company, fiscal_year) with the reason wherever a value is missing.
The docstring's first line is the formula printed in the output table and the paper.
Balance-sheet denominators are averages of opening and closing balances ("avg"), so the first year
of a series has no value for them. Percentages are in per cent; turnovers in times; days on a
365-day year (config ratios.days_in_year).
"""
from __future__ import annotations

import pandas as pd

from .quantity import Q, Wide, stack
from .select import sort_rows

DAYS = 365.0


def pct(q: Q) -> Q:
    return q * 100.0


# --- profitability ---------------------------------------------------------------------------------
def gross_margin(w: Wide) -> Q:
    """gross_profit / revenue x 100"""
    return pct(w["gross_profit"] / w["revenue"])


def operating_margin(w: Wide) -> Q:
    """operating_profit / revenue x 100"""
    return pct(w["operating_profit"] / w["revenue"])


def net_margin(w: Wide) -> Q:
    """profit_for_year / revenue x 100"""
    return pct(w["profit_for_year"] / w["revenue"])


def adjusted_net_margin(w: Wide) -> Q:
    """adjusted_net_profit (non-IFRS) / revenue x 100"""
    return pct(w["adjusted_net_profit"] / w["revenue"])


def roa(w: Wide) -> Q:
    """profit_for_year / avg(total_assets) x 100"""
    return pct(w["profit_for_year"] / w.avg("total_assets"))


def roe(w: Wide) -> Q:
    """profit_attributable_owners / avg(equity_attributable_owners) x 100 (NaN when average equity <= 0)"""
    return pct(w["profit_attributable_owners"] / w.avg("equity_attributable_owners").where_positive("average equity"))


def roic(w: Wide, tax_rate: float) -> Q:
    """operating_profit x (1 - tax rate) / avg(total_equity + total_borrowings) x 100"""
    ic = (w["total_equity"] + w["total_borrowings"] + w.prev("total_equity") + w.prev("total_borrowings")) / 2.0
    ic.name = "avg(total_equity + total_borrowings)"
    return pct(w["operating_profit"] * (1.0 - tax_rate) / ic.where_positive("invested capital"))


# --- solvency ---------------------------------------------------------------------------------------
def current_ratio(w: Wide) -> Q:
    """current_assets / current_liabilities"""
    return w["current_assets"] / w["current_liabilities"]


def quick_ratio(w: Wide) -> Q:
    """(current_assets - inventories) / current_liabilities"""
    return (w["current_assets"] - w["inventories"]) / w["current_liabilities"]


def cash_ratio(w: Wide) -> Q:
    """(cash_and_equivalents + short_term_bank_deposits) / current_liabilities"""
    return (w["cash_and_equivalents"] + w["short_term_bank_deposits"]) / w["current_liabilities"]


def debt_to_assets(w: Wide) -> Q:
    """total_liabilities / total_assets x 100"""
    return pct(w["total_liabilities"] / w["total_assets"])


def debt_to_equity(w: Wide) -> Q:
    """total_liabilities / total_equity (NaN when equity <= 0)"""
    return w["total_liabilities"] / w["total_equity"].where_positive("total equity")


def equity_multiplier(w: Wide) -> Q:
    """total_assets / total_equity (NaN when equity <= 0)"""
    return w["total_assets"] / w["total_equity"].where_positive("total equity")


def interest_coverage(w: Wide) -> Q:
    """operating_profit / interest_expense"""
    return w["operating_profit"] / w["interest_expense"]


# --- operating capacity -----------------------------------------------------------------------------
def inventory_turnover(w: Wide) -> Q:
    """cost_of_sales / avg(inventories)"""
    return w["cost_of_sales"] / w.avg("inventories")


def inventory_days(w: Wide) -> Q:
    """365 / inventory_turnover"""
    return w.constant(DAYS, "365") / inventory_turnover(w)


def receivables_turnover(w: Wide) -> Q:
    """revenue / avg(trade_receivables)"""
    return w["revenue"] / w.avg("trade_receivables")


def receivable_days(w: Wide) -> Q:
    """365 / receivables_turnover"""
    return w.constant(DAYS, "365") / receivables_turnover(w)


def payable_days(w: Wide) -> Q:
    """avg(trade_payables) / cost_of_sales x 365"""
    return w.avg("trade_payables") / w["cost_of_sales"] * DAYS


def cash_conversion_cycle(w: Wide) -> Q:
    """inventory_days + receivable_days - payable_days"""
    return inventory_days(w) + receivable_days(w) - payable_days(w)


def total_asset_turnover(w: Wide) -> Q:
    """revenue / avg(total_assets)"""
    return w["revenue"] / w.avg("total_assets")


# --- growth -----------------------------------------------------------------------------------------
def growth(item: str):
    def f(w: Wide) -> Q:
        return pct(w[item] / w.prev(item).where_positive(f"{item} of the prior year") - 1.0)
    f.__doc__ = f"({item} / {item}[t-1] - 1) x 100 (NaN when the prior year is not positive)"
    f.__name__ = f"{item}_growth"
    return f


# --- profit quality ---------------------------------------------------------------------------------
def cfo_to_net_profit(w: Wide) -> Q:
    """cfo / profit_for_year (NaN when profit <= 0)"""
    return w["cfo"] / w["profit_for_year"].where_positive("profit for the year")


def accruals_ratio(w: Wide) -> Q:
    """(profit_for_year - cfo) / avg(total_assets) x 100"""
    return pct((w["profit_for_year"] - w["cfo"]) / w.avg("total_assets"))


def non_operating_share_of_pbt(w: Wide) -> Q:
    """(profit_before_tax - operating_profit) / profit_before_tax x 100 (NaN when PBT <= 0)"""
    return pct((w["profit_before_tax"] - w["operating_profit"]) / w["profit_before_tax"].where_positive("PBT"))


def fair_value_share_of_pbt(w: Wide) -> Q:
    """fv_changes_investments_fvtpl / profit_before_tax x 100 (NaN when PBT <= 0)"""
    return pct(w["fv_changes_investments_fvtpl"] / w["profit_before_tax"].where_positive("PBT"))


def adjusted_minus_ifrs_profit(w: Wide) -> Q:
    """adjusted_net_profit - profit_for_year (RMB million)"""
    return w["adjusted_net_profit"] - w["profit_for_year"]


def adjusted_to_ifrs_gap_share_of_revenue(w: Wide) -> Q:
    """(adjusted_net_profit - profit_for_year) / revenue x 100"""
    return pct((w["adjusted_net_profit"] - w["profit_for_year"]) / w["revenue"])


# --- value-chain cost structure ---------------------------------------------------------------------
def share_of_revenue(item: str):
    def f(w: Wide) -> Q:
        return pct(w[item] / w["revenue"])
    f.__doc__ = f"{item} / revenue x 100"
    f.__name__ = f"{item}_to_revenue"
    return f


# --- profit model -----------------------------------------------------------------------------------
SEGMENTS = ["smartphones", "iot_lifestyle", "internet_services", "others", "smart_ev_new_initiatives",
            "smartphone_x_aiot"]


def segment_share(seg: str):
    def f(w: Wide) -> Q:
        return pct(w[f"seg_revenue_{seg}"] / w["revenue"])
    f.__doc__ = f"seg_revenue_{seg} / revenue x 100"
    f.__name__ = f"segment_share_{seg}"
    return f


def segment_gross_margin(seg: str):
    def f(w: Wide) -> Q:
        computed = pct(w[f"seg_gross_profit_{seg}"] / w[f"seg_revenue_{seg}"])
        printed = w[f"seg_gross_margin_{seg}"]
        take = computed.v.isna() & printed.v.notna()
        v = computed.v.where(~take, printed.v)
        why = computed.why.where(~take, "")
        return Q(v, why, f.__name__, computed.est.where(~take, ""))
    f.__doc__ = (f"seg_gross_profit_{seg} / seg_revenue_{seg} x 100; where gross profit is unpublished, the "
                 f"company's printed segment gross margin (seg_gross_margin_{seg})")
    f.__name__ = f"segment_gross_margin_{seg}"
    return f


# --- where value is created: each segment's gross profit and its share of the group's ---------------------
GP_SEGMENTS = ["smartphones", "iot_lifestyle", "internet_services", "smart_ev_new_initiatives", "products", "services"]
# the shared taxonomy of the peer comparison: the services segment of each company (Xiaomi's internet services,
# Apple's Services); everything else a company sells is hardware
SERVICES_SEGMENTS = ["internet_services", "services"]


def segment_gross_profit_q(w: Wide, seg: str) -> Q:
    """A segment's gross profit: printed (seg_gross_profit_<seg>), else segment revenue x the company's printed
    segment gross margin / 100, marked as derived (a stated rule on two sourced figures)."""
    printed = w[f"seg_gross_profit_{seg}"]
    rule = w[f"seg_revenue_{seg}"] * w[f"seg_gross_margin_{seg}"] * 0.01
    take = (printed.v.isna() & rule.v.notna()).to_numpy()
    years = w.index.get_level_values(1)
    label = pd.Series([f"derived seg_gross_profit_{seg} FY{y} (revenue x printed margin)" if d else ""
                       for y, d in zip(years, take)], index=w.index, dtype=object)
    est = printed.est.where(~take, rule.est.where(rule.est == "", rule.est + "; ") + label)
    return Q(printed.v.where(~take, rule.v), printed.why.where(~take, ""), f"seg_gross_profit_{seg}", est)


def segment_gross_profit(seg: str):
    def f(w: Wide) -> Q:
        return segment_gross_profit_q(w, seg)
    f.__doc__ = (f"seg_gross_profit_{seg} as printed; else seg_revenue_{seg} x seg_gross_margin_{seg} / 100 (derived)")
    f.__name__ = f"segment_gross_profit_{seg}"
    return f


def segment_gross_profit_share(seg: str):
    def f(w: Wide) -> Q:
        return pct(segment_gross_profit_q(w, seg) / w["gross_profit"])
    f.__doc__ = f"segment_gross_profit_{seg} / gross_profit x 100"
    f.__name__ = f"segment_gross_profit_share_{seg}"
    return f


def _first_segment(w: Wide, make) -> Q:
    """The first services segment of SERVICES_SEGMENTS a company reports (a company reports one of them)."""
    qs = [make(seg) for seg in SERVICES_SEGMENTS]
    out = qs[0]
    for q in qs[1:]:
        take = (out.v.isna() & q.v.notna()).to_numpy()
        out = Q(out.v.where(~take, q.v), out.why.where(~take, q.why), out.name, out.est.where(~take, q.est))
    return out


def services_revenue_share(w: Wide) -> Q:
    """revenue of the services segment (internet services, or Services) / revenue x 100"""
    return _first_segment(w, lambda seg: pct(w[f"seg_revenue_{seg}"] / w["revenue"]))


def services_gross_profit_share(w: Wide) -> Q:
    """gross profit of the services segment (internet services, or Services) / gross_profit x 100"""
    return _first_segment(w, lambda seg: pct(segment_gross_profit_q(w, seg) / w["gross_profit"]))


def internet_revenue_per_user(w: Wide) -> Q:
    """seg_revenue_internet_services (RMB m) / miui_mau_global (million users) = RMB per MAU"""
    return w["seg_revenue_internet_services"] / w["miui_mau_global"]


def rd_intensity(w: Wide) -> Q:
    """rd_expenses / revenue x 100"""
    return pct(w["rd_expenses"] / w["revenue"])


def overseas_revenue_share(w: Wide) -> Q:
    """revenue_overseas / revenue x 100"""
    return pct(w["revenue_overseas"] / w["revenue"])


def _with_tax(tax_rate: float):
    def f(w: Wide) -> Q:
        return roic(w, tax_rate)
    f.__doc__ = roic.__doc__
    return f


def registry(tax_rate: float) -> list[tuple[str, str, str, object]]:
    """(group, name, unit, function(w) -> Q) for every ratio the pipeline computes."""
    R = [
        ("profitability", "gross_margin", "percent", gross_margin),
        ("profitability", "operating_margin", "percent", operating_margin),
        ("profitability", "net_margin", "percent", net_margin),
        ("profitability", "adjusted_net_margin", "percent", adjusted_net_margin),
        ("profitability", "roa", "percent", roa),
        ("profitability", "roe", "percent", roe),
        ("profitability", "roic", "percent", _with_tax(tax_rate)),
        ("solvency", "current_ratio", "times", current_ratio),
        ("solvency", "quick_ratio", "times", quick_ratio),
        ("solvency", "cash_ratio", "times", cash_ratio),
        ("solvency", "debt_to_assets", "percent", debt_to_assets),
        ("solvency", "debt_to_equity", "times", debt_to_equity),
        ("solvency", "equity_multiplier", "times", equity_multiplier),
        ("solvency", "interest_coverage", "times", interest_coverage),
        ("operating_capacity", "inventory_turnover", "times", inventory_turnover),
        ("operating_capacity", "inventory_days", "days", inventory_days),
        ("operating_capacity", "receivables_turnover", "times", receivables_turnover),
        ("operating_capacity", "receivable_days", "days", receivable_days),
        ("operating_capacity", "payable_days", "days", payable_days),
        ("operating_capacity", "cash_conversion_cycle", "days", cash_conversion_cycle),
        ("operating_capacity", "total_asset_turnover", "times", total_asset_turnover),
    ]
    for item in ["revenue", "gross_profit", "operating_profit", "profit_for_year", "adjusted_net_profit",
                 "total_assets", "total_equity"]:
        R.append(("growth", f"{item}_growth", "percent", growth(item)))
    R += [
        ("profit_quality", "cfo_to_net_profit", "times", cfo_to_net_profit),
        ("profit_quality", "accruals_ratio", "percent", accruals_ratio),
        ("profit_quality", "non_operating_share_of_pbt", "percent", non_operating_share_of_pbt),
        ("profit_quality", "fair_value_share_of_pbt", "percent", fair_value_share_of_pbt),
        ("profit_quality", "adjusted_minus_ifrs_profit", "RMB_million", adjusted_minus_ifrs_profit),
        ("profit_quality", "adjusted_gap_to_revenue", "percent", adjusted_to_ifrs_gap_share_of_revenue),
    ]
    for item in ["cost_of_sales", "rd_expenses", "selling_marketing_expenses", "administrative_expenses"]:
        R.append(("cost_structure", f"{item}_to_revenue", "percent", share_of_revenue(item)))
    for seg in SEGMENTS:
        R.append(("profit_model", f"segment_share_{seg}", "percent", segment_share(seg)))
    for seg in ["smartphones", "iot_lifestyle", "internet_services", "smart_ev_new_initiatives"]:
        R.append(("profit_model", f"segment_gross_margin_{seg}", "percent", segment_gross_margin(seg)))
    for seg in GP_SEGMENTS:
        R.append(("value_creation", f"segment_gross_profit_{seg}", "money", segment_gross_profit(seg)))
        R.append(("value_creation", f"segment_gross_profit_share_{seg}", "percent", segment_gross_profit_share(seg)))
    # the peer comparison's shared taxonomy (a company's services segment, whatever it calls it): not a table of its own
    R += [("peer_comparison", "services_revenue_share", "percent", services_revenue_share),
          ("peer_comparison", "services_gross_profit_share", "percent", services_gross_profit_share)]
    R += [
        ("profit_model", "internet_revenue_per_user", "RMB_per_user", internet_revenue_per_user),
        ("profit_model", "rd_intensity", "percent", rd_intensity),
        ("profit_model", "overseas_revenue_share", "percent", overseas_revenue_share),
    ]
    return R


def formula_of(fn) -> str:
    doc = (fn.__doc__ or "").strip().splitlines()
    return doc[0] if doc else ""


def compute_ratios(panel: pd.DataFrame, tax_rate: float) -> pd.DataFrame:
    """Tidy table: company, fiscal_year, group, ratio, value, unit, status ('' or why missing), formula."""
    w = Wide(panel)
    blocks = [({"group": group, "ratio": name, "unit": unit, "formula": formula_of(fn)}, fn(w))
              for group, name, unit, fn in registry(tax_rate)]
    out = stack(w.index, blocks, ["company", "fiscal_year", "group", "ratio", "value", "unit", "status", "formula",
                                  "estimate_inputs"])
    return sort_rows(out, ["company", "group", "ratio", "fiscal_year"])
