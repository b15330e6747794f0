"""Market value added and enterprise value: the market's valuation of the company beside its book capital."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cost_of_capital import market_series
from .estimates import BASIS_FX
from .quantity import Q, Wide


def market_value_added(panel: pd.DataFrame, market: pd.DataFrame, market_cap: dict | None, fx: dict,
                       equity_items: list[str], debt_items: list[str] | None = None,
                       cash_items: list[str] | None = None, currency: str = "RMB") -> pd.DataFrame:
    """Market value added, enterprise value and multiples per company-year.

    MVA = market capitalisation (RMB) - book equity; market-to-book = capitalisation / book equity;
    EV = capitalisation + interest-bearing debt - cash; EV/EBITDA with EBITDA = operating profit + depreciation and
    amortisation; EV/revenue. The sourced capitalisations are in HKD (HKD million after corpfin.market); each is
    converted at the year-end rate of the same year (`fx`: cleaning.fx_estimates.yearend_rate_items, first
    available: the SAFE central parity, else the ECB cross rate), so every value here is a flagged estimate.
    Book equity, debt and cash are one definition each over the window (Wide.definition).
    """
    w = Wide(panel)
    per = float(fx["per"])
    cap_item, cap_ccy = (market_cap or {}).get("item", "no capitalisation configured"), (market_cap or {}).get("currency")
    mcap, mcap_info = market_series(w, market, [cap_item], 0, f"market capitalisation ({cap_ccy})")
    years = pd.Series(w.index.get_level_values(1), index=w.index)
    if cap_ccy == fx["from_currency"] and currency == fx["to_currency"]:
        # converted at the year-end rate of the same year: a flagged estimate
        rate, rate_info = market_series(w, market, list(fx["yearend_rate_items"]), 0, "year-end HKD/RMB rate")
        mcap_rmb = mcap * rate / per
        label = f"{BASIS_FX} market_cap FY" + years.astype(str)
        mcap_rmb.est = pd.Series(np.where(mcap_rmb.v.notna(), label, ""), index=w.index, dtype=object)
    else:
        rate = w.constant(per if cap_ccy == currency else np.nan, "same currency")
        rate_info = pd.DataFrame({"source_id": ""}, index=w.index)
        mcap_rmb = mcap if cap_ccy == currency else Q(mcap.v * np.nan, pd.Series(
            f"capitalisation in {cap_ccy}, statements in {currency}: no rate", index=w.index, dtype=object), "mcap")
    equity, used = w.one_of(equity_items)
    mva = (mcap_rmb - equity).clean()
    mtb = (mcap_rmb / equity.where_positive("book equity")).clean()
    debt, debt_item = w.one_of(debt_items or ["total_borrowings"])
    cash, cash_item = w.one_of(cash_items or ["cash_and_equivalents"])
    ev = (mcap_rmb + debt - cash).clean()
    ebitda = (w["operating_profit"] + w["depreciation_amortization"]).clean()
    ev_ebitda = (ev / ebitda.where_positive("EBITDA")).clean()
    ev_rev = (ev / w["revenue"]).clean()
    return pd.DataFrame({
        "company": [c for c, _ in w.index], "fiscal_year": [y for _, y in w.index],
        "market_cap_hkd_million": mcap.v.values, "market_cap_source": mcap_info["source_id"].values,
        "rate_rmb_per_hkd": (rate / per).v.values, "rate_source": rate_info["source_id"].values,
        "market_cap_rmb_million": mcap_rmb.clean().v.values, "book_equity": equity.v.values,
        "book_equity_item": used, "mva": mva.v.values, "market_to_book": mtb.v.values,
        "status": mva.why.values, "estimate_inputs": mva.est.values,
        "debt": debt.v.values, "debt_item": debt_item, "cash": cash.v.values, "cash_item": cash_item,
        "enterprise_value": ev.v.values, "ebitda": ebitda.v.values, "ev_to_ebitda": ev_ebitda.v.values,
        "ev_to_revenue": ev_rev.v.values, "ev_status": ev.why.values, "ev_estimate_inputs": ev.est.values,
        "ev_to_ebitda_status": ev_ebitda.why.values,
    })
