"""The reader's words: labels of line items, ratios, EVA methods and build-up lines, and the replacement of every
code name in generated text by its label (a test fails on any code name left in the paper)."""
from __future__ import annotations

import re

import pandas as pd

from .markdown import md_text


RATIO_LABELS = {
    "gross_margin": "Gross margin %", "operating_margin": "Operating margin %", "net_margin": "Net margin %",
    "adjusted_net_margin": "Adjusted net margin %", "roa": "ROA %", "roe": "ROE %", "roic": "ROIC %",
    "current_ratio": "Current ratio", "quick_ratio": "Quick ratio", "cash_ratio": "Cash ratio",
    "debt_to_assets": "Debt to assets %", "debt_to_equity": "Debt to equity", "equity_multiplier": "Equity multiplier",
    "interest_coverage": "Interest coverage", "inventory_turnover": "Inventory turnover",
    "inventory_days": "Inventory days", "receivables_turnover": "Receivables turnover",
    "receivable_days": "Receivable days", "payable_days": "Payable days",
    "cash_conversion_cycle": "Cash conversion cycle (days)", "total_asset_turnover": "Total asset turnover",
    "revenue_growth": "Revenue growth %", "gross_profit_growth": "Gross profit growth %",
    "operating_profit_growth": "Operating profit growth %", "profit_for_year_growth": "Profit for the year growth %",
    "adjusted_net_profit_growth": "Adjusted net profit growth %", "total_assets_growth": "Total assets growth %",
    "total_equity_growth": "Total equity growth %", "cfo_to_net_profit": "Operating cash flow / profit",
    "accruals_ratio": "Accruals / average total assets %", "non_operating_share_of_pbt": "Non-operating share of profit before tax %",
    "fair_value_share_of_pbt": "Fair-value gains share of profit before tax %",
    "adjusted_minus_ifrs_profit": "Adjusted minus IFRS profit (RMB m)",
    "adjusted_gap_to_revenue": "Adjusted-IFRS profit gap / revenue %",
    "cost_of_sales_to_revenue": "Cost of sales / revenue %", "rd_expenses_to_revenue": "R&D expenses / revenue %",
    "selling_marketing_expenses_to_revenue": "Selling and marketing expenses / revenue %",
    "administrative_expenses_to_revenue": "Administrative expenses / revenue %",
    "segment_share_smartphones": "Smartphones share of revenue %", "segment_share_iot_lifestyle": "IoT and lifestyle share of revenue %",
    "segment_share_internet_services": "Internet services share of revenue %", "segment_share_others": "Others share of revenue %",
    "segment_share_smart_ev_new_initiatives": "Smart EV and new initiatives share of revenue %",
    "segment_share_smartphone_x_aiot": "Smartphone x AIoT share of revenue %",
    "segment_gross_margin_smartphones": "Smartphones gross margin %",
    "segment_gross_margin_iot_lifestyle": "IoT and lifestyle gross margin %",
    "segment_gross_margin_internet_services": "Internet services gross margin %",
    "segment_gross_margin_smart_ev_new_initiatives": "Smart EV and new initiatives gross margin %",
    "internet_revenue_per_user": "Internet revenue per MIUI user (RMB)", "rd_intensity": "R&D intensity %",
    "overseas_revenue_share": "Overseas share of revenue %",
    "wacc": "WACC %",
    "services_revenue_share": "Services share of revenue %",
    "services_gross_profit_share": "Services share of gross profit %",
}

# the reporting segments, as the paper names them (Xiaomi's four and Apple's two)
SEGMENT_NAMES = {"smartphones": "Smartphones", "iot_lifestyle": "IoT and lifestyle",
                 "internet_services": "Internet services", "smart_ev_new_initiatives": "Smart EV and new initiatives",
                 "products": "Products", "services": "Services"}
for _seg, _name in SEGMENT_NAMES.items():
    RATIO_LABELS[f"segment_gross_profit_{_seg}"] = f"{_name} gross profit"
    RATIO_LABELS[f"segment_gross_profit_share_{_seg}"] = f"{_name} share of gross profit %"


# the EVA methods by name, as the paper writes them
METHOD_LABELS = {"simple": "Entity EVA", "residual_income_adjusted": "Residual income on adjusted profit",
                 "residual_income": "Residual income on reported profit", "sasac": "SASAC EVA",
                 "stern_stewart": "Stern Stewart EVA"}


GROUP_LABELS = {"profitability": "Profitability", "solvency": "Solvency", "operating_capacity": "Operating capacity",
                "growth": "Growth", "profit_quality": "Profit quality", "cost_structure": "Cost structure",
                "profit_model": "Profit model", "cost of capital": "Cost of capital", "eva": "EVA"}


# the paper's tables by file name, in the order the paper shows them (the provenance appendix lists them so)
TABLE_TITLES = {
    "ratios_profitability": "Profitability", "ratios_solvency": "Solvency", "ratios_operating_capacity": "Operating capacity",
    "ratios_growth": "Growth", "ratios_cost_structure": "Cost structure", "ratios_profit_model": "Profit model indicators",
    "wacc": "Cost of capital inputs", "eva_buildup": "EVA build-up", "eva_methods": "EVA by method",
    "eva_robustness": "Robustness of the sign of EVA", "ratios_profit_quality": "Profit quality",
    "mva": "Market value added and enterprise value", "trends": "Trend tests", "claims": "Claims audit",
    "coverage": "Coverage of the cleaned panel", "fx_estimates": "FX estimates", "coverage_change": "Coverage change",
    "conflicts": "Conflicting sources", "identities": "Accounting identities", "eva_gaps": "What each missing EVA needs",
    "eva_sensitivity": "Sensitivity of EVA", "todo": "To-do list", "documents": "Source documents"}


# the lines of the EVA build-up and the sensitivity parameters, as the paper writes them
LINE_LABELS = {"nopat": "NOPAT", "invested_capital": "Invested capital", "cost_of_capital": "Cost of capital %",
               "capital_charge": "Capital charge", "eva": "EVA", "return_on_capital": "Return on capital %",
               "eva_spread": "EVA spread (pp)", "eva_to_revenue": "EVA / revenue %",
               "wacc_shift_pp": "Shift of the rate (pp)", "rd_life_years": "R&D amortisation life (years)",
               "less_default_spread": "less the default spread", "local_no_crp": "local yield, no country premium",
               "start_of_next_year": "start of the next year", "start_of_year": "start of the year",
               "income_statement": "Income statement", "balance_sheet": "Balance sheet", "cash_flow": "Cash flow",
               "operating_metric": "Operating metric", "third_party_definition": "Third-party definition",
               "company_ratio": "Company ratio", "segment": "Segment"}


def label(name: str) -> str:
    """The reader's name of a ratio, method or group (the code name only where no label exists)."""
    return (RATIO_LABELS.get(name) or METHOD_LABELS.get(name) or GROUP_LABELS.get(name) or LINE_LABELS.get(name)
            or name.replace("_", " "))


def vocabulary(catalogue: pd.DataFrame, series: dict | None = None) -> dict[str, str]:
    """Every code name a table, caption or sentence can carry, mapped to the reader's words: the item catalogue's
    labels, the ratios, EVA methods, ratio groups and build-up lines, and the trend series of the config (a series
    takes the label of the item, ratio or line it reads)."""
    v = dict(zip(catalogue["item"], catalogue["label"]))
    v.update(LINE_LABELS)
    v.update(GROUP_LABELS)
    v.update(METHOD_LABELS)
    v.update(RATIO_LABELS)
    for name, spec in (series or {}).items():
        if spec.get("table") == "eva" and spec.get("key") == "eva" and spec.get("method") in METHOD_LABELS:
            v[name] = METHOD_LABELS[spec["method"]]       # an EVA series is named by its method
        v.setdefault(name, v.get(spec.get("key", ""), name.replace("_", " ")))
    return v


def named(frame: pd.DataFrame, vocab: dict[str, str]) -> pd.DataFrame:
    """Item keys and statements of a table in the reader's words (tables that list line items)."""
    out = frame.copy()
    for col in ("item", "statement"):
        if col in out:
            out[col] = out[col].map(lambda k: vocab.get(k, k))
    return out


SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-]|\.\w)")


WORD = re.compile(r"(?<![\w/.-])[a-z][a-z0-9_]*(?![\w/-]|\.\w)")


SENTENCE_START = set("|.\n-*:;")


def _reader_case(words: str, text: str, start: int) -> str:
    """A label as it reads at this place: capitalised at the start of a cell or sentence, else with a lower-case
    first letter unless the first word is an acronym (EPS, R&D, IoT, MIUI)."""
    before = text[:start].rstrip(" ")
    first = words.split(" ")[0]
    if not before or before[-1] in SENTENCE_START or not first[1:].islower():
        return words
    return words[0].lower() + words[1:]


def humanize(text: str, vocab: dict[str, str], escape: bool = True, every_word: bool = False) -> str:
    """Replace every code name of `vocab` in Markdown `text` by its label (escaped as data when `escape`).
    By default only snake_case tokens are replaced (so that 'revenue' in a sentence stays a word); `every_word`
    also replaces single words (in a formula, 'cfo' is a code name)."""
    pattern = WORD if every_word else SNAKE

    def sub(m: re.Match) -> str:
        key = m.group(0)
        if key not in vocab:
            return key
        words = _reader_case(vocab[key], m.string, m.start())
        return md_text(words) if escape else words
    return pattern.sub(sub, text)


def formula_text(formula: str, vocab: dict[str, str]) -> str:
    """A formula of line items in the reader's words: 'gross_profit / revenue x 100' -> 'gross profit / revenue
    × 100' (every token a label, lower case, as in a sentence)."""
    def sub(m: re.Match) -> str:
        key = m.group(0)
        if key == "x":
            return "×"
        if key not in vocab:
            return key
        words = vocab[key]
        return words if not words.split(" ")[0][1:].islower() else words[0].lower() + words[1:]
    text = " ".join(str(formula).split()).replace("[t-1]", " of the prior year").replace("NaN", "no value")
    return WORD.sub(sub, text)


def series_units(series: dict, ratios: pd.DataFrame, catalogue: pd.DataFrame, currency: str) -> tuple[dict, dict]:
    """({series: the unit of its values, for an axis}, {series: the unit of its slope per year, for a table}): a
    per-cent series moves in percentage points, a money series in millions of the company's currency."""
    ratio_unit = dict(zip(ratios["ratio"], ratios["unit"]))
    quantity = dict(zip(catalogue["item"], catalogue["quantity"]))
    axis, slope = {}, {}
    for name, s in series.items():
        if s["table"] == "eva":
            kind = "money" if s["key"] in ("eva", "nopat", "invested_capital", "capital_charge") else "percent"
            kind = "pp" if s["key"] == "eva_spread" else kind
        elif s["table"] == "ratios":
            kind = ratio_unit.get(s["key"], "")
        else:
            kind = quantity.get(s["key"], "")
        axis[name], slope[name] = {
            "money": (f"{currency} million", f"{currency} m"), "percent": ("%", "pp"),
            "pp": ("percentage points", "pp"), "times": ("times", "times"), "days": ("days", "days"),
        }.get(kind, ("", ""))
    return axis, slope
