"""Transcription of the peer ledger (data/sources/peers_ledger.csv) into data/raw/<company>/<year>/.

Run from the repository root:  uv run python tools/transcribe_peers.py [data/sources]
Values and units are copied as printed; what is added are classifications of the source (kind, reliability flag, the
reporting period and type of a company document) derived from the ledger's own `source_document` text by the rules
below, and the mapping of each ledger key to the item catalogue's names (ITEMS). A ledger row that a mapping sends to
two items (Apple's net income is also its profit attributable to owners: Apple has no non-controlling interests)
gives two figure rows with one source row. It is not part of the pipeline.

Fiscal years: a fiscal year is named by the calendar year in which it ends (Lenovo's 2015/16, ending 31 March 2016, is
FY2016; Apple's FY2015 ends on 26 September 2015).
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

COMPANIES = {"Apple Inc.": "apple", "Lenovo Group Ltd (HKEX 0992)": "lenovo",
             "Shenzhen Transsion Holdings Co., Ltd. (SSE 688036)": "transsion",
             "Samsung Electronics Co., Ltd. (KRX 005930)": "samsung"}

# ledger key -> catalogue item(s), per company (a key not listed keeps its name)
ITEMS = {
    "apple": {"net_sales_total": ["revenue"], "total_cost_of_sales": ["cost_of_sales"], "gross_margin": ["gross_profit"],
              "gross_margin_pct": ["gross_margin_printed"], "products_net_sales": ["seg_revenue_products"],
              "services_net_sales": ["seg_revenue_services"], "products_cost_of_sales": ["seg_cost_of_sales_products"],
              "services_cost_of_sales": ["seg_cost_of_sales_services"],
              "products_gross_margin": ["seg_gross_profit_products"],
              "services_gross_margin": ["seg_gross_profit_services"],
              "products_gross_margin_pct": ["seg_gross_margin_products"],
              "services_gross_margin_pct": ["seg_gross_margin_services"], "rd_expense": ["rd_expenses"],
              "sga_expense": ["sga_expenses"], "operating_income": ["operating_profit"],
              "income_before_tax": ["profit_before_tax"], "income_tax_provision": ["income_tax_expense"],
              "net_income": ["profit_for_year", "profit_attributable_owners"],
              "total_shareholders_equity": ["total_equity", "equity_attributable_owners"],
              "total_current_assets": ["current_assets"], "total_current_liabilities": ["current_liabilities"],
              "accounts_receivable_net": ["trade_receivables"], "accounts_payable": ["trade_payables"],
              "cash_and_cash_equivalents": ["cash_and_equivalents"], "cash_from_operations": ["cfo"],
              "cash_from_investing": ["cfi"], "cash_from_financing": ["cff"], "capex_payments_for_ppe": ["capex_total"]},
    "lenovo": {"gross_margin_pct": ["gross_margin_printed"], "operating_expenses": ["total_operating_expenses"],
               "profit_attributable_equity_holders": ["profit_attributable_owners"]},
    # Transsion: stockanalysis' "Revenue" is 营业总收入 (total revenue, the company's headline: 62.295 bn in FY2023,
    # P1056-P1058), on which its gross profit is computed (revenue - cost of sales = gross profit every year)
    "transsion": {"revenue_total_incl_other": ["revenue"], "operating_revenue": ["operating_revenue_excl_other"],
                  "net_profit_attributable": ["profit_attributable_owners"],
                  "net_profit_attributable_excl_nonrecurring": ["net_profit_attrib_excl_nonrecurring"],
                  "sa_rd_expense": ["rd_expenses"]},
    "samsung": {"sa_rd_expense": ["rd_expenses"]},
}
# stockanalysis prints R&D as the line itself; its other 'sa_' keys (operating income, SG&A) follow its own
# definitions and stay third-party items

COMPANY_DOC = re.compile(r"form 10-k|annual report|annual results announcement|press release|audited consolidated")
NOT_COMPANY = re.compile(r"ai summary|article|blog|essay|broker|note on|stockanalysis|news|reuters")
FLAG = re.compile(r"low reliability|contradicts|unreliable")


def fiscal_year(company: str, label: str) -> int:
    """'2015/16' -> 2016 (the calendar year the fiscal year ends in); '2019' -> 2019."""
    m = re.fullmatch(r"(\d{4})/(\d{2})", label)
    return int(m.group(1)[:2] + m.group(2)) if m else int(label)


def kind_of(doc: str) -> str:
    low = doc.lower()
    if COMPANY_DOC.search(low) and not NOT_COMPANY.search(low):
        return "company_document"
    if "reportify" in low:
        return "filing_summary"
    if "essay" in low:
        return "academic"
    if "news" in low or "reuters" in low or "article" in low or "blog" in low:
        return "news"
    return "aggregator"


def document_period(company: str, doc: str, year_ends: dict[int, str]) -> tuple[str, str]:
    """(period end, type) of a company document: the fiscal year it reports on, whose own year end is known from the
    ledger's rows of that year."""
    low = doc.lower()
    dtype = ("annual_report" if ("10-k" in low or "annual report" in low or "audited consolidated" in low) else
             "results_announcement" if "announcement" in low else "press_release")
    m = (re.search(r"fy(\d{4})/(\d{2})", low) or re.search(r"(\d{4})/(\d{2})", low))
    if m:
        year = int(m.group(1)[:2] + m.group(2))
    else:
        m = re.search(r"fy(\d{4})", low) or re.search(r"(\d{4}) annual report", low)
        if not m:
            raise SystemExit(f"cannot date company document: {doc!r}")
        year = int(m.group(1))
    return year_ends[year], dtype


def split_unit(unit: str) -> tuple[str, str]:
    m = re.match(r"^(\S+)\s*(\(.*\))?$", unit.strip())
    return (m.group(1), m.group(2) or "") if m else (unit.strip(), "")


def main(src: Path, dest: Path) -> None:
    rows = list(csv.DictReader(open(src / "peers_ledger.csv", encoding="utf-8")))
    ends: dict[str, dict[int, str]] = {}
    for r in rows:
        ends.setdefault(COMPANIES[r["company"]], {})[fiscal_year(r["company"], r["fiscal_year"])] = r["fiscal_year_end"]
    by: dict[tuple[str, int], list[dict]] = {}
    for r in rows:
        c = COMPANIES[r["company"]]
        by.setdefault((c, fiscal_year(r["company"], r["fiscal_year"])), []).append(r)
    for (c, year), rs in sorted(by.items()):
        out = dest / c / str(year)
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "figures.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["company", "fiscal_year", "period", "item", "value", "unit", "unit_note", "source_id"])
            for r in rs:
                unit, note = split_unit(r["unit"])
                for item in ITEMS[c].get(r["item"], [r["item"]]):
                    w.writerow([c, year, "FY", item, r["value"], unit, note, r["row_id"]])
        with open(out / "sources.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["source_id", "kind", "document", "section", "url", "evidence", "reliability_flag",
                        "doc_period_end", "doc_type", "ledger_ref"])
            for r in rs:
                doc = r["source_document"]
                if r["fiscal_year"] != str(year):
                    doc += f" [fiscal year as printed: {r['fiscal_year']}, ending {r['fiscal_year_end']}]"
                kind = kind_of(r["source_document"])
                flag = FLAG.search(r["source_document"].lower())
                vend, dtype = (document_period(c, r["source_document"], ends[c]) if kind == "company_document"
                               else ("", ""))
                w.writerow([r["row_id"], kind, doc, "", r["source_url"], r["evidence"],
                            f"flagged in source ledger: {flag.group(0)}" if flag else "", vend, dtype,
                            f"shared/sources/peers_ledger.csv#{r['row_id']}"])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sources"), Path("data/raw"))
