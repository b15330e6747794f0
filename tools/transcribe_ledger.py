"""Transcription of the source ledgers (data/sources/, a vendored copy of the team's shared/sources/) into data/raw/.

Kept in the repository so that a reader can see exactly how every raw row was
produced from the source ledger: values and units are copied as printed, and the
only things added are classifications *of the source* (kind of document,
reliability flag, the reporting period of a company document), each derived
from the ledger's own `source_document` text by the rules below.

Run from the repository root:  python tools/transcribe_ledger.py [data/sources]
It merges the sourced additions in data/raw/additions/ (rows found by this project, same columns)
and rewrites data/raw/xiaomi/<year>/{figures,sources}.csv and
data/raw/market/cost_of_capital.csv.  It is *not* part of the pipeline.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

COMPANY = "xiaomi"

# --- kind of source -------------------------------------------------------
# Company documents name the filing itself and are not described as coverage of it.
COMPANY_DOC = re.compile(
    r"^(\d{4} annual report|fy\d{4} annual results announcement|\d{4} annual results announcement"
    r"|q\d(/h1)? \d{4} results announcement|q\d/h1 \d{4} results announcement|\d{4} annual results announcement"
    r"|fy\d{4} annual results announcement|xiaomi fy\d{4} (results )?press release|xiaomi press release"
    r"|xiaomi official blog|\d{4} interim report|apac business: xiaomi \d{4} annual results press release)"
)
NOT_COMPANY = re.compile(r"reportify|news|summary of|report on|article|third-party|repost|quoting|via |based on")
FILING_SUMMARY = re.compile(r"reportify")
ACADEMIC = re.compile(r"academic paper")
AGGREGATOR = re.compile(
    r"third-party aggregator|stockanalysis|strike\.market|helgi|stockmetrum|tracenable|futu|moomoo|marketscreener"
    r"|discountingcashflows|stoxray|stocknear|mlq\.ai|alphaspread|teletrader|business insider|gurufocus"
    r"|porti\.ru|aastocks|hk quote site|ft markets|yahoo finance (?:[a-z ]+ )?key.statistics|investorscraft|etnet\.hk 01810 financial ratios"
)

# --- reliability ----------------------------------------------------------
FLAG = re.compile(
    r"low reliability|unreliable|contradicts|contradiction|likely typo|likely garbled|likely error|obvious growth-rate error"
    r"|lower bound|differs from later snapshot|fy revenue conflicts|conflicts with \d|conflicts with stockmetrum"
    r"|basic/diluted not stated|basis not stated"
)
# Rows whose printed number is right but whose sign was not printed (notes/fy2015_2018.md item 13:
# memurnet gives the preferred-share fair-value changes 2015-2017 "without a sign; these were losses").
UNSIGNED_ITEMS = {("fv_changes_preferred_shares", "News summary of HK IPO prospectus (Chinese)")}

# --- reporting period of a company document (its vintage) ------------------
QUARTER_END = {"1": "03-31", "2": "06-30", "3": "09-30", "4": "12-31"}
DOC_TYPE_ORDER = ["annual_report", "interim_report", "results_announcement", "press_release", "other"]


def classify_kind(doc: str) -> str:
    low = doc.lower()
    if COMPANY_DOC.search(low) and not NOT_COMPANY.search(low.split("(")[0]):
        return "company_document"
    if FILING_SUMMARY.search(low):
        return "filing_summary"
    if ACADEMIC.search(low):
        return "academic"
    if AGGREGATOR.search(low):
        return "aggregator"
    return "news"


def vintage(doc: str) -> tuple[str, str]:
    """(period end of the reporting period the company document covers, document type)."""
    low = doc.lower()
    dtype = (
        "annual_report" if "annual report" in low else
        "interim_report" if "interim report" in low else
        "results_announcement" if "announcement" in low else
        "press_release" if ("press release" in low or "blog" in low) else "other"
    )
    # the document's own year comes first ("2019 Annual Results Announcement ..., Q4 2018 comparative column")
    m = re.search(r"^(?:xiaomi )?(?:fy)?(\d{4}) (?:annual|results|press|interim)", low) or re.search(r"^xiaomi fy(\d{4})", low)
    if m:
        return f"{m.group(1)}-12-31", dtype
    m = re.search(r"q([1-4])(?:/h1)?\s*(\d{4})", low) or re.search(r"([1-4])q(\d{4})", low)
    if m:
        return f"{m.group(2)}-{QUARTER_END[m.group(1)]}", dtype
    m = re.search(r"fy(\d{4})", low) or re.search(r"(\d{4}) annual", low)
    if m:
        return f"{m.group(1)}-12-31", dtype
    raise SystemExit(f"cannot date company document: {doc!r}")


# rows a later note of the ledger found wrong, flagged by row id (never chosen; kept as evidence)
FLAGGED_ROWS = {"L00109": "flagged in source ledger: contradicts V0027 (41.5 m is IDC's mainland China figure, not "
                          "global shipments, notes/additions_3.md)"}


def reliability(doc: str, unit: str, item: str, row_id: str = "") -> str:
    low = doc.lower()
    reasons = [FLAGGED_ROWS[row_id]] if row_id in FLAGGED_ROWS else []
    if FLAG.search(low):
        reasons.append("flagged in source ledger: " + FLAG.search(low).group(0))
    if "(sic" in unit:
        reasons.append("value printed with a typo (sic)")
    if (item, doc) in UNSIGNED_ITEMS:
        reasons.append("sign not printed (loss printed as a positive number)")
    return "; ".join(reasons)


def section(doc: str) -> str:
    m = re.search(r"(consolidated [a-z ]+statement|key highlights|摘要[^(,;]*|balance sheet|income statement|cash flow"
                  r"|ratios(?: and metrics)?|statistics|employees section|segment note)", doc, re.I)
    return m.group(1).strip() if m else ""


def split_unit(unit: str) -> tuple[str, str]:
    """'RMB_million (sic; ...)' -> ('RMB_million', '(sic; ...)'); units are kept as printed otherwise."""
    m = re.match(r"^(\S+)\s*(\(.*\))?$", unit.strip())
    if not m:
        return unit.strip(), ""
    return m.group(1), (m.group(2) or "")


ADDITIONS = Path("data/raw/additions")
# Rows of shared/sources/xiaomi_ledger_additions_2.csv (T rows) that are market data or cost-of-capital inputs
# (betas, share prices, yields, FX, returns, third-party WACC): they go to data/raw/market/, the rest (company
# figures printed by aggregators) to the year folders.
MARKET_ITEM = re.compile(r"^(xiaomi_beta|xiaomi_share_price|xiaomi_wacc|xiaomi_annual_total_return|cn_10y|hkd_cny)")


# additions_3: a point in time rather than a period (ownership at the listing, share counts at 30 November 2024)
POINT_IN_TIME = {"IPO", "Nov"}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# rows of the ledgers that are not figures (a text such as 'not_disclosed'): listed, not transcribed
SKIPPED: list[tuple[str, str]] = []


def normalise_period(period: str) -> tuple[str, str]:
    """'FY (mrq Dec 31, 2023)' -> ('FY', 'FY (mrq Dec 31, 2023)'): the period label and the text as printed."""
    head = period.split(" (")[0].strip()
    return (head, period) if head != period else (period, "")


def ledger_rows(src: Path) -> list[dict]:
    """The shared ledger, its additions_2 company rows (T rows), then this project's sourced additions
    (data/raw/additions/, same columns)."""
    rows = [dict(r, _ref=f"shared/sources/xiaomi_ledger.csv#{r['row_id']} ({r['ledger_part']})")
            for r in csv.DictReader(open(src / "xiaomi_ledger.csv", encoding="utf-8"))]
    add2 = src / "xiaomi_ledger_additions_2.csv"
    if add2.exists():
        for r in csv.DictReader(open(add2, encoding="utf-8")):
            if MARKET_ITEM.match(r["item"]):
                continue
            period, printed = normalise_period(r["period"])
            doc = r["source_document"] + (f" [period as printed: {printed}]" if printed else "")
            rows.append(dict(r, period=period, source_document=doc,
                             _ref=f"shared/sources/xiaomi_ledger_additions_2.csv#{r['row_id']} ({r['ledger_part']})"))
    add3 = src / "xiaomi_ledger_additions_3.csv"
    if add3.exists():
        for r in csv.DictReader(open(add3, encoding="utf-8")):
            if not NUMBER.match(r["value"]):
                SKIPPED.append((r["row_id"], f"value {r['value']!r} is not a number"))
                continue
            period, printed = r["period"], ""
            if period in POINT_IN_TIME:
                period, printed = "AT", r["period"]
            doc = r["source_document"] + (f" [period as printed: {printed}]" if printed else "")
            rows.append(dict(r, period=period, source_document=doc,
                             _ref=f"shared/sources/xiaomi_ledger_additions_3.csv#{r['row_id']} ({r['ledger_part']})"))
    add = ADDITIONS / "xiaomi_ledger_additions.csv"
    if add.exists():
        rows += [dict(r, _ref=f"{add}#{r['row_id']} ({r['ledger_part']})")
                 for r in csv.DictReader(open(add, encoding="utf-8"))]
    return rows


def market_rows(src: Path) -> list[dict]:
    rows = [dict(r, _id=f"C{i:04d}", _ref=f"shared/sources/cost_of_capital.csv line {i + 1}")
            for i, r in enumerate(csv.DictReader(open(src / "cost_of_capital.csv", encoding="utf-8")), start=1)]
    add2 = src / "xiaomi_ledger_additions_2.csv"
    if add2.exists():
        for r in csv.DictReader(open(add2, encoding="utf-8")):
            if MARKET_ITEM.match(r["item"]):
                rows.append({"_id": r["row_id"], "item": r["item"], "year": r["fiscal_year"], "value": r["value"],
                             "unit": r["unit"], "source_url": r["source_url"],
                             "evidence": f"[{r['source_document']}; date as printed: {r['period']}] {r['evidence']}",
                             "_ref": f"shared/sources/xiaomi_ledger_additions_2.csv#{r['row_id']}"})
    peers = src / "peers_cost_of_capital.csv"
    if peers.exists():
        prow = [dict(r, _line=i + 1) for i, r in enumerate(csv.DictReader(open(peers, encoding="utf-8")), start=1)
                if NUMBER.match(r["value"])]
        # numbered so that, within an item and year, the snapshot nearest the end of the fiscal year comes first
        # (the market-conflict rule breaks a tie of equally precise printings by the lower source id)
        prow.sort(key=lambda r: (r["item"], r["year"], [-ord(ch) for ch in r["date"]]))
        for i, r in enumerate(prow, start=1):
            rows.append({"_id": f"Q{i:04d}", "item": r["item"], "year": r["year"], "value": r["value"],
                         "unit": r["unit"], "source_url": r["source_url"],
                         "evidence": f"[{r['company']}; date: {r['date']}] {r['evidence']}",
                         "_ref": f"shared/sources/peers_cost_of_capital.csv line {r['_line']}"})
    for name in ("cost_of_capital_additions.csv", "fx_ecb.csv"):
        add = ADDITIONS / name
        if add.exists():
            rows += [dict(r, _id=r["row_id"], _ref=f"{add}#{r['row_id']}")
                     for r in csv.DictReader(open(add, encoding="utf-8"))]
    return rows


def main(src: Path, dest: Path) -> None:
    rows = ledger_rows(src)
    by_year: dict[str, list[dict]] = {}
    for r in rows:
        by_year.setdefault(r["fiscal_year"], []).append(r)
    for year, rs in sorted(by_year.items()):
        out = dest / COMPANY / year
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "figures.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["company", "fiscal_year", "period", "item", "value", "unit", "unit_note", "source_id"])
            for r in rs:
                unit, note = split_unit(r["unit"])
                w.writerow([COMPANY, r["fiscal_year"], r["period"], r["item"], r["value"], unit, note, r["row_id"]])
        with open(out / "sources.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["source_id", "kind", "document", "section", "url", "evidence", "reliability_flag",
                        "doc_period_end", "doc_type", "ledger_ref"])
            for r in rs:
                kind = classify_kind(r["source_document"])
                vend, dtype = vintage(r["source_document"]) if kind == "company_document" else ("", "")
                w.writerow([r["row_id"], kind, r["source_document"], section(r["source_document"]), r["source_url"],
                            r["evidence"], reliability(r["source_document"], r["unit"], r["item"], r["row_id"]), vend, dtype,
                            r["_ref"]])
    # market data and cost-of-capital inputs
    cc = market_rows(src)
    (dest / "market").mkdir(parents=True, exist_ok=True)
    with open(dest / "market" / "cost_of_capital.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source_id", "item", "year", "value", "unit", "url", "evidence", "ledger_ref"])
        for r in cc:
            w.writerow([r["_id"], r["item"], r["year"], r["value"], r["unit"], r["source_url"], r["evidence"],
                        r["_ref"]])


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "data/sources")
    main(src, Path("data/raw"))
    for row_id, why in SKIPPED:
        print(f"not transcribed: {row_id}: {why}")
