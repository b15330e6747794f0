"""Unit normalisation.

Money is normalised to RMB million; other quantities keep their own canonical unit
(million_units, million_users, count, percent, ratio, RMB_per_share, RMB_per_unit).
The unit table (workflow/resources/units.csv) maps (unit as printed, quantity) to a factor.
A currency other than RMB is never converted here: such rows are kept as evidence and
excluded from the RMB panel with a stated reason.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

import pandas as pd

# ASCII digits only: Python's \d also matches full-width and other scripts' digits, which float() accepts
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_EXP = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$", re.ASCII)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)


def parse_number(text: str) -> float:
    """Parse a number as printed in a statement.

    - parentheses mean a negative: "(1234.5)" -> -1234.5; a sign inside them, "(-44.3)", is refused;
    - only ASCII digits are digits ("２０１９" is refused);
    - a thousands separator is refused (ambiguous with a decimal comma): "1,234" raises;
    - exponent notation ("1.246e2", "1e30") is refused: no statement prints it;
    - anything else that is not a plain decimal number raises ValueError with a reason.
    """
    s = str(text).strip()
    if s == "":
        raise ValueError("empty value")
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1].strip()
        if s[:1] in "+-" and s:
            raise ValueError("a sign inside parentheses: (44.3) is a negative, (-44.3) is ambiguous")
    if _THOUSANDS.match(s) or ("," in s and re.search(r"\d,\d", s)):
        raise ValueError("thousands separator or decimal comma in a number (write 1234.5, not 1,234.5)")
    if _EXP.match(s):
        raise ValueError("exponent notation is not how a statement prints a figure (write 124.6, not 1.246e2)")
    if not _NUM.match(s):
        raise ValueError("not a number")
    v = float(s)
    if not math.isfinite(v):
        raise ValueError("not a finite number")
    return -v if neg else v


def resolution(text: str, factor: float) -> float:
    """Half a unit of the last printed digit, in canonical units ("36.8" billion -> 0.05 bn = 50 RMB m).

    Used as the rounding allowance when two printed values are compared.
    """
    s = str(text).strip().strip("()").lstrip("+-")
    try:
        exp = Decimal(s).as_tuple().exponent
    except InvalidOperation:  # pragma: no cover - parse_number ran first
        return 0.0
    step = 10.0 ** int(exp) if isinstance(exp, int) else 0.0
    return abs(step * factor) / 2.0


def unit_table(units: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """Index the unit table by (unit, quantity)."""
    return {(r.unit, r.quantity): r._asdict() for r in units.itertuples(index=False)}


def allowed_units(units: pd.DataFrame, quantity: str) -> list[str]:
    return sorted(units.loc[units["quantity"] == quantity, "unit"].unique())
