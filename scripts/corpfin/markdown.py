"""Markdown for the paper: numbers as printed, marks of imputed values, data text escaped, pipe tables.

Every value from the data passes through `md_text` (or `esc`, `attr_text`) before it meets Markdown: a shortcode,
tag, link or citation key in a CSV field is shown as the characters it is. A missing value prints as an en dash.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .estimates import tiers_in


GAP = "–"


# one mark per imputation tier (corpfin.derive): every table that can show an imputed value says which tier it rests on
EST = "†"


TIER_MARKS = {"fx_estimate": "†", "derived": "‡", "carried": "§"}


EST_NOTE = ("† rests on a flagged FX estimate (a figure printed only in HKD, converted at the SAFE central parity "
            "or the ECB rate of the year); ‡ rests on a derived value (the one unknown of an accounting identity "
            "whose other terms are reported); § rests on a carried market parameter (the nearest sourced vintage, "
            "named in the WACC table).")


def tier_marks(labels) -> str:
    """The marks of the tiers named in an `estimate_inputs` string or a panel `basis` ('' for reported)."""
    words = tiers_in(labels)
    return "".join(m for t, m in TIER_MARKS.items() if t in words)


def marks_of(frame: pd.DataFrame) -> pd.Series:
    """Tier marks per row: from `basis` (panel rows) or `estimate_inputs` (ratios, WACC, EVA lines)."""
    col = "basis" if "basis" in frame else "estimate_inputs" if "estimate_inputs" in frame else None
    return frame[col].map(tier_marks) if col else pd.Series("", index=frame.index)


def mark(text: str, marks) -> str:
    """Append the tier marks (a string of marks; True stands for the FX mark) to a formatted value."""
    if text == GAP or not marks or (isinstance(marks, float) and pd.isna(marks)):
        return text
    return f"{text}{EST if marks is True else marks}"


def num(v, digits: int = 1, thousands: bool = True) -> str:
    """Round half up on the shortest decimal representation (365906.35 -> '365,906.4', as a printed figure
    would be rounded; binary floats and round-half-even would give .3)."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v):
        return GAP
    q = Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{q:,.{digits}f}" if thousands else f"{q:.{digits}f}"


def pval(p) -> str:
    if p is None or pd.isna(p):
        return GAP
    return "<0.0001" if p < 1e-4 else f"{p:.4f}"


# Markdown, HTML and shortcode syntax a data value could carry. Every such character is backslash-escaped, so that
# text from a CSV is shown as text by pandoc and Quarto alike: `{{< include ... >}}` never includes, `<img src=..>`
# never becomes HTML or fetches a URL, `![x](url)` never becomes an image, `@key` never a citation.
# (Intraword underscores, as in snake_case, and parentheses outside a link are literal in pandoc Markdown.)
MD_SPECIAL = set("\\`*{}[]<>!#|~^$@&")


def md_text(text) -> str:
    """A data value as literal Markdown text: special characters backslash-escaped, line breaks folded."""
    s = " ".join(str(text).split())
    return "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in s)


def esc(text) -> str:
    return md_text(text) if not pd.isna(text) else GAP


def _widths(df: pd.DataFrame, visible: pd.DataFrame | None) -> list[int]:
    """Dashes per column in proportion to its longest visible text (header or cell, capped): pandoc sets relative
    column widths from them, so a label column is wide and a year column narrow in HTML, DOCX and PDF alike."""
    v = df if visible is None else visible
    out = []
    for c in v.columns:
        texts = [str(c)] + [str(x) for x in v[c]]
        longest = max(len(t) for t in texts)
        # a column is never narrower than its longest unbreakable word (an id, a number)
        word = max(len(w) for t in texts for w in (t.split() or [""]))
        # capped at 20: a long label wraps onto a second line rather than squeezing the number columns
        out.append(max(3, min(word, 20), min(longest, 20)))
    return out


def pipe_table(df: pd.DataFrame, align: str | None = None, raw: set[str] | frozenset = frozenset(),
               visible: pd.DataFrame | None = None) -> str:
    """A pipe table; every cell escaped as data except in the `raw` columns, which hold Markdown this module built
    (values wrapped in a provenance span). `visible`, the same frame without the markup, sizes the columns."""
    cols = list(df.columns)
    align = align or ("l" + "r" * (len(cols) - 1))
    sep = [("-" * w + ":") if a == "r" else ":" + "-" * w + (":" if a == "c" else "")
           for a, w in zip(align, _widths(df, visible))]
    lines = ["| " + " | ".join(esc(c) for c in cols) + " |", "| " + " | ".join(sep) + " |"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) if c in raw else esc(v) for c, v in zip(cols, row)) + " |")
    return "\n".join(lines) + "\n"


def attr_text(text: str) -> str:
    """Data text as the value of a quoted Markdown attribute: quotes, backslashes and pipes escaped, markup starters
    as character references (pandoc then writes it HTML-escaped into title=\"...\"; it never becomes markup)."""
    s = " ".join(str(text).split())
    # character references for what a shortcode, a cross-reference, an image link or an entity starts with: pandoc
    # decodes them back into the title, and neither Quarto nor the fallback sees "{{<", "@tbl-", "![" or "&amp;"
    for ch, ref in (("&", "&amp;"), ("{", "&#123;"), ("}", "&#125;"), ("<", "&lt;"), (">", "&gt;"), ("@", "&#64;"),
                    ("!", "&#33;"), ("[", "&#91;"), ("]", "&#93;")):
        s = s.replace(ch, ref)
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("|", "\\|")


def with_title(cell: str, title: str | None) -> str:
    """A formatted value with its provenance shown on hover in HTML (a span title; dropped by DOCX and Typst)."""
    if not title or cell == GAP:
        return cell
    return f'[{cell}]{{title="{attr_text(title)}"}}'


def by_year(df: pd.DataFrame, index: str, years: list[int], fmt) -> pd.DataFrame:
    w = df.pivot_table(index=index, columns="fiscal_year", values="value", aggfunc="first")
    w = w.reindex(columns=years)
    out = pd.DataFrame({index: w.index})
    for y in years:
        out[str(y)] = [fmt(v) for v in w[y]]
    return out


def imputed_points(text) -> str:
    """'2019:fx_estimate 2023:carried+derived' -> 'FY2019†, FY2023‡§' (a tier mark per point); '' -> '–'."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
        return GAP
    out = []
    for tok in str(text).split():
        year, _, tiers = tok.partition(":")
        out.append("FY" + year + (tier_marks("; ".join(tiers.split("+"))) if tiers else EST))
    return ", ".join(out)


def year_ranges(years, prefix: str = "") -> str:
    """[2015, 2016, 2017, 2020] -> '2015-2017, 2020' (with prefix 'FY': 'FY2015-FY2017, FY2020'); [] -> ''."""
    ys = sorted({int(y) for y in years})
    out, start = [], None
    for k, y in enumerate(ys):
        if start is None:
            start = y
        if k == len(ys) - 1 or ys[k + 1] != y + 1:
            out.append(f"{prefix}{start}" if start == y else f"{prefix}{start}-{prefix}{y}")
            start = None
    return ", ".join(out)


def _years(ys) -> str:
    return ", ".join(str(int(y)) for y in sorted(ys))


def _fy_years(ys) -> str:
    return ", ".join(f"FY{int(y)}" for y in sorted(ys))
