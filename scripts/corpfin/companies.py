"""Many companies in one job: each company's files, companies that share settings, one table split by company.

A company stage reads and writes one file per company (data/processed/<company>/...), but runs the library once per
group of companies that share the stage's settings, on their rows together (the library works per company and
fiscal year), so that the work of a stage grows with the rows, not with a Python call per company.
"""
from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd


def files_of(paths: Iterable[str], companies: Iterable[str]) -> dict[str, str]:
    """{company: its file}, from a rule's list of per-company files in the order of the companies; each file must
    sit in its company's folder."""
    paths, companies = [str(p) for p in paths], list(companies)
    if len(paths) != len(companies):
        raise ValueError(f"{len(paths)} files for {len(companies)} companies")
    for p, c in zip(paths, companies):
        if f"/{c}/" not in p:
            raise ValueError(f"file {p} is not in the folder of company {c!r}")
    return dict(zip(companies, paths))


def groups(settings: dict[str, dict], key: str | None = None) -> list[tuple[dict, list[str]]]:
    """Companies whose settings (or whose `key` setting) are equal, with those settings; groups in the order of their
    first company, companies in the order given."""
    out: dict[str, tuple[dict, list[str]]] = {}
    for company, s in settings.items():
        value = s if key is None else s[key]
        tag = json.dumps(value, sort_keys=True, default=str)
        out.setdefault(tag, (value, []))[1].append(company)
    return list(out.values())


def split(frame: pd.DataFrame, companies: Iterable[str]) -> dict[str, pd.DataFrame]:
    """Each company's rows of `frame` (by its `company` column, in their order), an empty frame with the same
    columns for a company without rows."""
    if frame.empty:
        return {c: frame.iloc[0:0] for c in companies}
    parts = {str(k): g for k, g in frame.groupby(frame["company"].astype(str), sort=False)}
    return {c: parts.get(c, frame.iloc[0:0]).reset_index(drop=True) for c in companies}


def read_all(read, paths: dict[str, str]) -> pd.DataFrame:
    """Every company's table read with `read` and stacked, companies in the order of `paths`."""
    frames = [read(p) for p in paths.values()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def settings_of(config: dict, company: str) -> dict:
    """What the company stages read for one company: its window, currency, fiscal year end, the WACC settings (those of
    its market with its own beta; none for a company without a market, whose WACC and entity EVA are then gaps) and
    the EVA settings (with its own capitalisation, preferred shares, credit spread and NOPAT route). A market whose
    tax rate is the effective one gives NOPAT the effective rate too."""
    s = config["companies"][company]
    fy = s["fiscal_years"]
    market = config["markets"].get(s["market"], {}) if s.get("market") else {}
    nopat = {**config["eva"]["nopat"], **s.get("nopat", {})}
    if (market.get("tax_rate") or {}).get("effective"):
        nopat["tax"] = "effective"
    return {
        "years": list(range(fy["first"], fy["last"] + 1)), "currency": s["currency"],
        "fiscal_year_end": s["fiscal_year_end"],
        "wacc": {**config["wacc"], **market, "beta": s.get("beta")},
        "eva": {**config["eva"], "preferred_shares": s.get("preferred_shares"), "nopat": nopat,
                "mva": {**config["eva"]["mva"], "market_cap": s.get("market_cap")},
                "robustness": {**config["eva"]["robustness"], "credit_spread_item": s.get("credit_spread_item", "")}},
    }
