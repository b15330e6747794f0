"""Validation of one raw extract (figures.csv + sources.csv for one company and one fiscal year).

Pure functions on the files' text: every failure raises InputError naming the file, the row
(line number in the file; the header is line 1), the column, what was expected and what was found.
The result is the *evidence table*: every raw row, normalised to canonical units, joined to its source.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re

import pandas as pd

from .errors import InputError
from .units import parse_number, resolution, unit_table

FIGURE_COLUMNS = ["company", "fiscal_year", "period", "item", "value", "unit", "unit_note", "source_id"]
SOURCE_COLUMNS = ["source_id", "kind", "document", "section", "url", "evidence", "reliability_flag",
                  "doc_period_end", "doc_type", "ledger_ref"]
# FY, half and quarters; 9M the first nine months; AT a point in time (the date is in the document, e.g. at the listing)
PERIODS = ("FY", "H1", "Q1", "Q2", "Q3", "Q4", "9M", "AT")
KINDS = ("company_document", "filing_summary", "aggregator", "academic", "news")
DOC_TYPES = ("annual_report", "interim_report", "results_announcement", "press_release", "other")
# reliability flags: empty, or reasons joined by '; ', each starting with one of these (tools/transcribe_ledger.py)
FLAG_PREFIXES = ("flagged in source ledger: ", "value printed with a typo (sic)",
                 "sign not printed (loss printed as a positive number)")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def decode(data: bytes, file: str) -> str:
    """The file's text as UTF-8; any other encoding is refused with the file's name and a hint."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError(file, "file is UTF-16 text", expected="UTF-8 without BOM (re-save the file as UTF-8)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(file, f"file is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}; GBK, Big5 "
                               "or Latin-1 files look like this)",
                         expected="UTF-8 without BOM (re-save the file as UTF-8)") from None


@contextlib.contextmanager
def _field_limit(n: int):
    """The csv module's field limit raised for one read (so that an oversized field is refused with its row and
    column below, not by the module's bare error), then restored."""
    old = csv.field_size_limit(max(n, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_csv_strict(text: str, file: str, columns: list[str], max_chars: int | None = None) -> list[tuple[int, dict]]:
    """Parse CSV text with an exact header; return (line number, row dict) pairs.

    Refuses: an empty file, a byte-order mark, another delimiter, a different header,
    ragged rows (too many or too few fields), a field longer than `max_chars`.
    """
    with _field_limit(len(text) + 1):
        return _read_csv_strict(text, file, columns, max_chars)


def _read_csv_strict(text: str, file: str, columns: list[str], max_chars: int | None) -> list[tuple[int, dict]]:
    if text.startswith("\ufeff"):
        raise InputError(file, "file starts with a UTF-8 byte-order mark (BOM)", row=1,
                         expected="UTF-8 without BOM (re-save the file without BOM)")
    if not text.strip():
        raise InputError(file, "file is empty", expected="a header line: " + ",".join(columns))
    lines = text.splitlines()
    header = lines[0]
    if header.split(",") != columns:
        hint = ""
        for d in (";", "\t", "|"):
            if d in header and header.split(d) == columns:
                hint = f" (the file uses {d!r} as delimiter; use ',')"
        raise InputError(file, "header does not match" + hint, row=1, expected=",".join(columns), found=header)
    out = []
    reader = csv.reader(io.StringIO(text))
    next(reader)
    for fields in reader:
        lineno = reader.line_num
        if not fields or all(f.strip() == "" for f in fields):
            continue
        if [f.strip() for f in fields] == columns:
            raise InputError(file, "the header line is repeated inside the file (two files pasted together?)",
                             row=lineno, expected="one header line, on row 1", found=",".join(fields))
        if len(fields) != len(columns):
            hint = ""
            if len(fields) > len(columns) and any(f.isdigit() and len(f) == 3 for f in fields):
                hint = " (an unquoted thousands separator such as 205,838,682 splits a number into fields)"
            raise InputError(file, f"ragged row: {len(fields)} fields{hint}", row=lineno,
                             expected=f"{len(columns)} fields ({','.join(columns)})", found=",".join(fields))
        for col, f in zip(columns, fields):
            if max_chars is not None and len(f) > max_chars:
                raise InputError(file, f"field of {len(f):,} characters", row=lineno, column=col,
                                 expected=f"at most {max_chars:,} characters (config cleaning.raw_text)",
                                 found=f[:40] + "...")
        out.append((lineno, dict(zip(columns, fields))))
    if not out:
        raise InputError(file, "file has a header but no data rows", expected="at least one row")
    return out


def parse_sources(text: str, file: str, raw_text: dict | None = None) -> pd.DataFrame:
    """Validate sources.csv: unique ids (matching raw_text's source_id_pattern), a known kind, a URL and an evidence
    quote on every row, no field longer than raw_text's max_field_chars."""
    raw_text = raw_text or {}
    rows, seen = [], {}
    pattern = re.compile(raw_text["source_id_pattern"], re.ASCII) if "source_id_pattern" in raw_text else None
    for lineno, r in read_csv_strict(text, file, SOURCE_COLUMNS, raw_text.get("max_field_chars")):
        sid = r["source_id"].strip()
        if not sid:
            raise InputError(file, "missing source_id", row=lineno, column="source_id", expected="a non-empty id")
        if pattern is not None and not pattern.fullmatch(sid):
            raise InputError(file, "malformed source_id", row=lineno, column="source_id",
                             expected=f"an id matching {raw_text['source_id_pattern']} (config cleaning.raw_text), "
                                      "such as L00421", found=sid)
        if sid in seen:
            raise InputError(file, f"duplicate source_id (first on row {seen[sid]})", row=lineno, column="source_id",
                             expected="unique ids", found=sid)
        seen[sid] = lineno
        if r["kind"] not in KINDS:
            raise InputError(file, "unknown kind of source", row=lineno, column="kind", expected=" | ".join(KINDS),
                             found=r["kind"])
        for col in ("document", "url", "evidence"):
            if not r[col].strip():
                raise InputError(file, f"source without {col}", row=lineno, column=col,
                                 expected="the document, its URL and a verbatim quote of the number")
        if not URL.match(r["url"]):
            raise InputError(file, "URL without an http(s) scheme", row=lineno, column="url",
                             expected="an address starting with https:// or http://", found=r["url"])
        flag = r["reliability_flag"]
        if flag and any(not part.startswith(FLAG_PREFIXES) for part in flag.split("; ")):
            raise InputError(file, "unknown reliability flag", row=lineno, column="reliability_flag",
                             expected="empty, or reasons joined by '; ' each starting with one of: "
                                      + " | ".join(p.strip() for p in FLAG_PREFIXES), found=flag)
        dpe = r["doc_period_end"]
        if dpe:
            try:
                ok = bool(ISO_DATE.match(dpe)) and dt.date.fromisoformat(dpe).isoformat() == dpe
            except ValueError:
                ok = False
            if not ok:
                raise InputError(file, "doc_period_end is not a calendar date", row=lineno, column="doc_period_end",
                                 expected="YYYY-MM-DD, e.g. 2019-12-31", found=dpe)
        if r["doc_type"] and r["doc_type"] not in DOC_TYPES:
            raise InputError(file, "unknown document type", row=lineno, column="doc_type",
                             expected=" | ".join(DOC_TYPES), found=r["doc_type"])
        if r["kind"] == "company_document":
            if not r["doc_period_end"] or r["doc_type"] not in DOC_TYPES:
                raise InputError(file, "a company document needs the period it reports on and its type", row=lineno,
                                 column="doc_period_end/doc_type",
                                 expected="doc_period_end YYYY-MM-DD and doc_type in " + " | ".join(DOC_TYPES),
                                 found=f"{r['doc_period_end']!s}/{r['doc_type']!s}")
        rows.append(r)
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def validate_extract(figures_text: str, sources_text: str, *, figures_file: str, sources_file: str,
                     company: str, year: int, first_year: int, last_year: int,
                     items: pd.DataFrame, units: pd.DataFrame, raw_text: dict | None = None) -> pd.DataFrame:
    """Validate one extract and return its evidence table (one row per raw row).

    Columns: company, fiscal_year, period, item, statement, quantity, value_printed, unit, unit_note,
    value (canonical unit; items with sign "magnitude" (expenses, losses) as positive magnitudes), canonical_unit, currency, resolution,
    sign_normalised, source_id, kind, reliability_flag, doc_period_end, doc_type, document, url, evidence,
    raw_file, raw_row.

    Checks: the company matches the directory; fiscal_year is an integer in [first_year, last_year] and
    not after the extract's own year (a document for FY{year} may carry earlier comparatives); a known
    period, item and unit (the unit must fit the item's quantity); a numeric value (parentheses = negative,
    no thousands separators); a source_id present in sources.csv; no two rows from the same source giving
    different values for the same item and period.
    """
    # plain dicts: one lookup per raw row instead of a pandas row or cell access
    sources = parse_sources(sources_text, sources_file, raw_text).set_index("source_id").to_dict("index")
    cat = items.set_index("item").to_dict("index")
    utab = unit_table(units)
    out = []
    seen: dict[tuple, tuple[int, str]] = {}
    for lineno, r in read_csv_strict(figures_text, figures_file, FIGURE_COLUMNS, (raw_text or {}).get("max_field_chars")):
        def err(msg, col, expected, found=None):
            return InputError(figures_file, msg, row=lineno, column=col, expected=expected, found=found)
        if r["company"] != company:
            raise err("row belongs to another company", "company", f"'{company}' (the directory name)", r["company"])
        try:
            fy = int(r["fiscal_year"])
        except ValueError:
            raise err("fiscal year is not an integer", "fiscal_year", "a year such as 2024", r["fiscal_year"]) from None
        if not first_year <= fy <= last_year:
            raise err("fiscal year outside the configured range", "fiscal_year",
                      f"{first_year}-{last_year} (fiscal_years.first in workflow/config.yaml up to the extract's "
                      f"own year; earlier years are comparatives)", fy)
        if r["period"] not in PERIODS:
            raise err("unknown period", "period", " | ".join(PERIODS), r["period"])
        item = r["item"]
        if item not in cat:
            raise err("unknown item", "item", "an item listed in workflow/resources/items.csv", item)
        quantity = cat[item]["quantity"]
        key = (r["unit"], quantity)
        if key not in utab:
            ok = sorted(u for (u, q) in utab if q == quantity)
            raise err(f"unknown unit for a {quantity} item", "unit", " | ".join(ok), r["unit"])
        u = utab[key]
        try:
            v = parse_number(r["value"])
        except ValueError as e:
            raise err(f"value is not a number ({e})", "value", "a plain number, e.g. -1234.5 or (1234.5)",
                      r["value"]) from None
        sid = r["source_id"].strip()
        if not sid:
            raise err("row without a source", "source_id", f"an id listed in {sources_file}")
        if sid not in sources:
            raise err("source_id not found in the sources table", "source_id", f"an id listed in {sources_file}", sid)
        dkey = (fy, r["period"], item, sid)
        if dkey in seen and seen[dkey][1] != r["value"]:
            raise err(f"duplicate row from the same source with a different value (row {seen[dkey][0]} gives "
                      f"{seen[dkey][1]})", "value", "one value per item, period and source", r["value"])
        if dkey in seen:
            continue
        seen[dkey] = (lineno, r["value"])
        value = v * float(u["factor"])
        sign_norm = False
        if cat[item]["sign"] == "magnitude" and value < 0:
            value, sign_norm = -value, True
        s = sources[sid]
        out.append({
            "company": company, "fiscal_year": fy, "period": r["period"], "item": item,
            "statement": cat[item]["statement"], "quantity": quantity,
            "value_printed": r["value"], "unit": r["unit"], "unit_note": r["unit_note"],
            "value": value + 0.0, "canonical_unit": u["canonical_unit"], "currency": u["currency"] or "",
            "resolution": resolution(r["value"], float(u["factor"])), "sign_normalised": sign_norm,
            "source_id": sid, "kind": s["kind"], "reliability_flag": s["reliability_flag"],
            "doc_period_end": s["doc_period_end"], "doc_type": s["doc_type"], "document": s["document"],
            "url": s["url"], "evidence": s["evidence"], "raw_file": figures_file, "raw_row": lineno,
        })
    return pd.DataFrame(out)
