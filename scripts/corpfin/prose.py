"""The house style of every generated sentence: counts, lists of years, amounts with their units, directions.

A careful author writes small counts in words ("twice", "the only negative year"), integers for counts, a unit on
every number, a typographic minus and never opens a sentence with a numeral. The generated prose goes through these
helpers so that it reads so wherever the data take it; a missing figure makes a sentence say what is missing, never
print a dash in its place.
"""
from __future__ import annotations

import math
import re

import pandas as pd

from .markdown import num, pval

WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
TIMES = {1: "once", 2: "twice"}
MINUS = "\u2212"


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'one year', 'two years', '14 years' (words up to twelve)."""
    n = int(n)
    word = WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"
    return f"{word} {noun if n == 1 else plural or noun + 's'}"


def number_word(n: int) -> str:
    """'one' ... 'twelve', then digits."""
    n = int(n)
    return WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"


def times(n: int) -> str:
    """'once', 'twice', 'three times'."""
    n = int(n)
    return TIMES.get(n, f"{number_word(n)} times")


def signed(text: str) -> str:
    """A formatted number with a typographic minus."""
    return MINUS + text[1:] if text.startswith("-") else text


def pct(v, digits: int = 1) -> str:
    """'20.9%' (typographic minus)."""
    return signed(f"{num(v, digits)}%")


def pp(v, digits: int = 1) -> str:
    """'7.4 percentage points'."""
    return signed(f"{num(v, digits)} percentage points")


# the smallest step of an amount in the text: money() writes billions to one decimal, 100 million
MONEY_STEP = 100.0


def money(v, currency: str, scale: str = "billion", digits: int = 1) -> str:
    """An amount held in millions as a reader writes it: 'RMB 15.5 billion', 'USD 84.5 billion', 'RMB −6.4 billion'."""
    factor = {"million": 1.0, "billion": 1e-3}[scale]
    return f"{currency} {signed(num(v * factor, digits))} {scale}"


def fy(year) -> str:
    return f"FY{int(year)}"


def fy_list(years) -> str:
    """'FY2018', 'FY2018 and FY2023', 'FY2018, FY2019 and FY2023'; runs of three or more as 'FY2018–FY2021'."""
    ys = sorted({int(y) for y in years})
    parts, start = [], None
    for k, y in enumerate(ys):
        start = y if start is None else start
        if k == len(ys) - 1 or ys[k + 1] != y + 1:
            run = y - start + 1
            parts += ([f"FY{start}–FY{y}"] if run >= 3 else [fy(x) for x in range(start, y + 1)])
            start = None
    return and_list(parts)


def and_list(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def direction(first: float, last: float, rise: str = "rose", fall: str = "fell", flat: str = "was unchanged") -> str:
    return rise if last > first else fall if last < first else flat


def path(s: pd.Series, what: str, fmt=pct) -> str:
    """'{what} rose from 4.0% in FY2015 to 20.9% in FY2024' on a series by fiscal year; where the last year the
    series is sourced for is not its window's end, the sentence names the years it has."""
    s = s.dropna()
    if len(s) < 2:
        return f"{what} is sourced for {count(len(s), 'year')} only"
    return (f"{what} {direction(s.iloc[0], s.iloc[-1])} from {fmt(s.iloc[0])} in {fy(s.index[0])} to "
            f"{fmt(s.iloc[-1])} in {fy(s.index[-1])}")


def ordinal_rank(rank: int, n: int) -> str:
    """'the highest', 'the second highest', ..., 'the lowest' (rank 1 is the highest of n)."""
    if rank == 1:
        return "the highest"
    if rank == n:
        return "the lowest"
    return f"the {ORDINALS[rank - 1]} highest" if rank <= len(ORDINALS) else f"number {rank} of {n}"


ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def verdict_counts(n: dict[str, int], supported_words: str = "supported") -> str:
    """'one is supported, two partly, one contradicted and one not checkable': the claims' verdict counts, those
    that are zero left out (the supported count is always named: 'none is supported')."""
    k = n.get("supported", 0)
    first = f"{'none' if k == 0 else number_word(k)} {'is' if k <= 1 else 'are'} {supported_words}"
    rest = [f"{number_word(n[v])} {w}" for v, w in (("partly supported", "partly"), ("contradicted", "contradicted"),
                                                   ("not checkable", "not checkable")) if n.get(v, 0)]
    return and_list([first] + rest)


def possessive(name: str) -> str:
    """'Apple Inc.’s', 'Samsung Electronics’' (a typographic apostrophe, so that no smart-quote pass turns it into an
    opening quote after a full stop)."""
    return f"{name}\u2019" if name.endswith("s") else f"{name}\u2019s"


def sentence(text: str) -> str:
    """Capitalised first letter and a full stop (a generated sentence never opens with a numeral: callers put a
    word first)."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


NUMBER_FIRST = re.compile(r"[\u2212+-]?\d[\d,.]*(?=[\s%)]|$)")


def sentences_opening_with_a_number(md: str) -> list[str]:
    """The sentences of generated Markdown prose that open with a number ('660 of the ...'), which a careful
    author rewrites ('Of the 790 values, 660 ...'); a company name such as '3M' is a word. Table rows, headings and
    numbered list items are not prose sentences."""
    out = []
    for line in md.splitlines():
        line = line.strip()
        if not line or line.startswith(("|", "#", ":")) or re.match(r"\d+\.\s", line):
            continue
        text = re.sub(r"\*\*[^*]+\*\*\s*", "", line)          # a bold lead-in ('**Measurement.**') is a heading
        for sent in re.split(r"(?<=[.!?])\s+", text):
            if NUMBER_FIRST.match(sent):
                out.append(sent[:80])
    return out


def trend_clause(trends: pd.DataFrame, name: str, test_in_sentence: bool = False) -> str:
    """The verdict of a series' trend test as a clause after its path: ', an increasing trend (exact Mann-Kendall
    test, BH-adjusted p = 0.0005)', or with the test named in the sentence (the abstract): ', an increasing trend by
    the exact Mann-Kendall test (BH-adjusted p = 0.0005)'; the honest alternative where no trend is found; '' where
    the series is not tested."""
    t = trends.set_index("series")
    if name not in t.index or t.at[name, "verdict"] == "not tested":
        return ""
    verdict, p = t.at[name, "verdict"], pval(t.at[name, "mk_p_bh"])
    if verdict in ("increasing", "decreasing"):
        article = "an" if verdict[0] in "aeiou" else "a"
        if test_in_sentence:
            return f", {article} {verdict} trend by the exact Mann-Kendall test (BH-adjusted p = {p})"
        return f", {article} {verdict} trend (exact Mann-Kendall test, BH-adjusted p = {p})"
    test = "exact Mann-Kendall test" if test_in_sentence else "exact test"
    return f", with no trend the {test} separates from noise (BH-adjusted p = {p})"
