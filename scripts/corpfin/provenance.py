"""Provenance one step away from the paper's tables.

In the HTML each value of a main-text table carries, on hover, the figures it is computed from: for every input
line item and year, the value, the source row, its document and the verbatim quote (or the stated rule for an
imputed value). In the PDF and DOCX, where hover does not exist, an appendix maps each table to its source rows
and lists the documents those rows come from.
"""
from __future__ import annotations

import re

import pandas as pd

from .markdown import GAP, num

TOKEN = re.compile(r"[a-z][a-z0-9_]*")
# a formula reading the prior year's balance (an average or a growth rate) needs the inputs of t-1 as well
LAGGED = ("avg(", "[t-1]")
BASIS_WORDS = {"derived": "derived from an accounting identity (no source prints it)",
               "fx_estimate": "flagged FX estimate from an HKD printing"}


def item_titles(panel: pd.DataFrame, evidence: pd.DataFrame, vocab: dict[str, str]) -> dict[tuple[str, int], str]:
    """(item, fiscal year) -> 'Label FYyyyy: value unit; source id, document: "quote"' for every panel value."""
    p = panel[panel["period"] == "FY"]
    quotes = evidence.drop_duplicates(["raw_file", "raw_row"]).set_index(["raw_file", "raw_row"])["evidence"]
    out = {}
    for r in p.itertuples(index=False):
        head = f"{vocab.get(r.item, r.item)} FY{int(r.fiscal_year)}: {num(r.value, 1)} {str(r.canonical_unit).replace('_', ' ')}"
        basis = str(r.basis)
        if basis in BASIS_WORDS:
            out[(r.item, int(r.fiscal_year))] = f"{head}; {BASIS_WORDS[basis]}"
            continue
        quote = quotes.get((r.raw_file, r.raw_row), "") if pd.notna(r.raw_row) else ""
        text = f"{head}; {r.source_id}, {r.document}"
        out[(r.item, int(r.fiscal_year))] = text + (f': "{quote}"' if isinstance(quote, str) and quote else "")
    return out


def formula_inputs(formula: str, formulas: dict[str, str], depth: int = 2) -> list[str]:
    """The code names a formula reads, with the inputs of any ratio it reads in turn (to `depth` levels)."""
    names = []
    for tok in TOKEN.findall(str(formula)):
        if tok in formulas and depth > 0 and formulas[tok] != formula:
            names += formula_inputs(formulas[tok], formulas, depth - 1)
        names.append(tok)
    return list(dict.fromkeys(names))


def ratio_titles(ratios: pd.DataFrame, items: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    """(ratio, fiscal year) -> the provenance of every input value it is computed from."""
    formulas = dict(zip(ratios["ratio"], ratios["formula"]))
    out = {}
    for r in ratios.dropna(subset=["value"]).itertuples(index=False):
        y = int(r.fiscal_year)
        expand = dict(formulas)
        names = formula_inputs(r.formula, expand)
        lagged = any(k in str(r.formula) or any(k in str(expand.get(n, "")) for n in names) for k in LAGGED)
        years = [y, y - 1] if lagged else [y]
        parts = [items[(n, yy)] for n in names for yy in years if (n, yy) in items]
        if parts:
            out[(r.ratio, y)] = " | ".join(parts)
    return out


def market_titles(market: pd.DataFrame) -> dict[str, str]:
    """Market source id -> 'id: value unit (year), URL: "quote"' (cost-of-capital inputs); a derived value says so
    instead of naming a URL. Missing fields are left out, never printed as 'nan'."""
    out = {}
    for r in market.itertuples(index=False):
        head = f"{r.value:g} {str(r.unit).replace('_', ' ')}" + (f" ({r.year_label})" if pd.notna(r.year_label) else "")
        where = str(r.url) if pd.notna(r.url) and str(r.url).strip() else "derived by a stated rule (no URL)"
        quote = f': "{r.evidence}"' if pd.notna(r.evidence) and str(r.evidence).strip() else ""
        name = "derived value" if str(r.source_id).startswith("derived:") else str(r.source_id)
        out[str(r.source_id)] = f"{name}: {head}, {where}{quote}"
    return out


def source_ids_of(titles: dict, keys) -> list[str]:
    """The source ids (L…, C…, T…, N…, E…) named in the provenance texts of `keys`."""
    ids = set()
    for k in keys:
        ids.update(re.findall(r"\b[A-Z]\d{4,5}\b", titles.get(k, "")))
    return sorted(ids)


def compact_ids(ids: list[str]) -> str:
    """'L00001, L00002, L00003, C0004' -> 'L00001–L00003, C0004' (runs of consecutive ids joined)."""
    if not ids:
        return GAP
    parsed = sorted((re.match(r"([A-Z]+)(\d+)", i).groups() for i in ids), key=lambda t: (t[0], int(t[1])))
    runs, out = [], []
    for prefix, digits in parsed:
        n = int(digits)
        if runs and runs[-1][0] == prefix and runs[-1][2] == n - 1:
            runs[-1][2] = n
        else:
            runs.append([prefix, digits, n])
    for prefix, digits, last in runs:
        first = f"{prefix}{digits}"
        out.append(first if int(digits) == last else f"{first}–{prefix}{str(last).zfill(len(digits))}")
    return ", ".join(out)


def documents_table(panel: pd.DataFrame) -> pd.DataFrame:
    """Every document the chosen panel values come from: kind, the source ids and how many values each gives."""
    p = panel[(panel["period"] == "FY") & panel["basis"].eq("reported")]
    g = p.groupby(["kind", "document"], sort=True).agg(values=("value", "size"),
                                                        ids=("source_id", lambda s: sorted(set(s))),
                                                        url=("url", "first")).reset_index()
    order = {"company_document": 0, "filing_summary": 1, "aggregator": 2, "academic": 3, "news": 4}
    g = g.assign(o=g["kind"].map(order).fillna(9)).sort_values(["o", "values"], ascending=[True, False])
    return pd.DataFrame({"Kind": g["kind"].str.replace("_", " "), "Document": g["document"],
                         "Address": g["url"].fillna(GAP), "Source rows": [compact_ids(i) for i in g["ids"]],
                         "Values used": g["values"]})


def company_documents(panel: pd.DataFrame) -> pd.DataFrame:
    """The company's own documents and filing summaries behind the chosen values: the paper's list of primary
    sources (printed as data, escaped; never as citation markup)."""
    d = documents_table(panel)
    d = d[d["Kind"].isin(["company document", "filing summary"])]
    return d[["Document", "Source rows", "Values used"]]


# the flow each method's NOPAT starts from (corpfin.eva): residual income from the owners' profit, the entity methods
# from operating profit
NOPAT_ITEM = {"residual_income": "profit_attributable_owners", "residual_income_adjusted": "adjusted_net_profit",
              "simple": "adjusted_net_profit", "sasac": "profit_for_year", "stern_stewart": "adjusted_net_profit"}


def eva_inputs(method: str, definition: str) -> list[tuple[str, int]]:
    """(item, lag) pairs a method's EVA reads: its NOPAT flow, and the balances its build-up names in `definition`
    ('equity: X (opening)' -> X at t-1; 'equity: X; debt: Y' -> both at t and t-1, the average)."""
    pairs = [(NOPAT_ITEM.get(method, ""), 0)]
    for part in str(definition).split(";"):
        kind, _, rest = part.strip().partition(":")
        if kind.strip() not in ("equity", "debt") or not rest.strip():
            continue
        item = rest.strip().split(" ")[0]
        pairs += [(item, 1)] if "(opening)" in rest else [(item, 0), (item, 1)]
    return pairs


def eva_titles(buildup: pd.DataFrame, items: dict[tuple[str, int], str]) -> dict:
    """(method, year) -> the provenance of the panel figures the method's EVA of that year reads; the cost of
    capital is in the WACC table, whose inputs carry their own."""
    out = {}
    for (method, year), d in buildup.groupby(["method", "fiscal_year"]):
        pairs = eva_inputs(method, d["definition"].dropna().iloc[0] if d["definition"].notna().any() else "")
        parts = [items[(it, int(year) - lag)] for it, lag in pairs if (it, int(year) - lag) in items]
        if parts:
            out[(method, int(year))] = " | ".join(parts + ["cost of capital: see the WACC table"])
    return out


def table_sources(origin: dict[str, tuple[str, str]], table_titles: dict[str, str], ratios: pd.DataFrame,
                  titles: dict) -> pd.DataFrame:
    """The provenance appendix: per table (in the paper's order), the rule that made it, its file and, for a ratio
    table, the source rows its values rest on (from the hover provenance `titles`)."""
    group_of = dict(zip(ratios["ratio"], ratios["group"]))
    rows = []
    for name, title in table_titles.items():
        if name not in origin:
            continue
        rule, file = origin[name]
        keys = [k for k in titles if f"ratios_{group_of.get(k[0], '')}" == name]
        rows.append({"Table": title, "Made by rule": rule, "From file": file,
                     "Source rows": compact_ids(source_ids_of(titles, keys)) if keys else "see the file"})
    return pd.DataFrame(rows)


def documents_bibliography(panel: pd.DataFrame, evidence: pd.DataFrame, companies: dict[str, str]) -> str:
    """The company documents the chosen values come from, as a reference list: company, reporting period, document,
    address, and how many values each gives (every field printed as data, escaped)."""
    from .markdown import md_text

    p = panel[(panel["period"] == "FY") & panel["basis"].eq("reported") & (panel["kind"] == "company_document")]
    if p.empty:
        return "No value comes from a company document.\n"
    ends = evidence.drop_duplicates("source_id").set_index("source_id")["doc_period_end"]
    p = p.assign(period_end=p["source_id"].map(ends).fillna(""))
    # one entry per document address: the rows of a document carry its title with page or column notes, of which
    # the shortest is the document's own title
    p = p.assign(url=p["url"].fillna(""), title_length=p["document"].astype(str).str.len())
    g = (p.sort_values(["title_length", "document"]).groupby(["company", "period_end", "url"], sort=True)
         .agg(document=("document", "first"), values=("document", "size")).reset_index())
    lines = []
    for r in g.itertuples(index=False):
        when = f" (reporting period ending {r.period_end})" if isinstance(r.period_end, str) and r.period_end else ""
        url = (" <" + r.url.replace("<", "%3C").replace(">", "%3E") + ">"
               if isinstance(r.url, str) and r.url.startswith(("http://", "https://")) else "")
        lines.append(f"- {md_text(companies.get(r.company, r.company))}{when}. *{md_text(r.document)}*.{url} "
                     f"{r.values} value{'s' if r.values != 1 else ''} used.")
    return "\n".join(lines) + "\n"
