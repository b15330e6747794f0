"""Accounting identities checked on the cleaned panel.

Each identity is configured as `terms` (item -> coefficient, +1 or -1) that must sum to `equals`.
Tolerance: the rounding resolution of every value involved (half a unit of its last printed digit)
plus `relative` x the largest absolute value involved. When some terms are missing the identity is
"not checkable", unless `when_incomplete: upper_bound`, in which case the sum of the terms present
(all with coefficient +1) must not exceed `equals` (e.g. the segments that are published cannot add
up to more than group revenue).
"""
from __future__ import annotations

import pandas as pd

from .errors import IdentityError


def check_identities(panel: pd.DataFrame, identities: list[dict], relative: float,
                     period: str = "FY") -> pd.DataFrame:
    """One row per company, fiscal_year and identity: lhs, rhs, difference, allowance, status, detail."""
    p = panel[panel["period"] == period]
    val = p.set_index(["company", "fiscal_year", "item"])["value"]
    res = p.set_index(["company", "fiscal_year", "item"])["resolution"]
    rows = []
    for (company, year), _ in p.groupby(["company", "fiscal_year"]):
        for ident in identities:
            terms, target = ident["terms"], ident["equals"]
            have = {i: val.get((company, year, i)) for i in list(terms) + [target]}
            present = [i for i, v in have.items() if v is not None and pd.notna(v)]
            missing = [i for i in have if i not in present]
            base = {"company": company, "fiscal_year": year, "identity": ident["name"],
                    "formula": " ".join(f"{'+' if c > 0 else '-'} {i}" for i, c in terms.items()).lstrip("+ ")
                    + f" = {target}"}
            if not present or (missing and ident.get("when_incomplete") != "upper_bound"):
                rows.append({**base, "lhs": float("nan"), "rhs": float("nan"), "difference": float("nan"),
                             "allowance": float("nan"), "status": "not checkable",
                             "detail": "missing " + ", ".join(missing)})
                continue
            if target in missing:
                rows.append({**base, "lhs": float("nan"), "rhs": float("nan"), "difference": float("nan"),
                             "allowance": float("nan"), "status": "not checkable", "detail": "missing " + target})
                continue
            lhs = sum(c * have[i] for i, c in terms.items() if i in present)
            rhs = have[target]
            allowance = sum(res[(company, year, i)] for i in present) + relative * max(abs(have[i]) for i in present)
            diff = lhs - rhs
            detail = "; ".join(f"{i}={have[i]:.4f}" for i in present)
            if missing:
                ok = lhs <= rhs + allowance
                status = "upper bound holds" if ok else "violated"
                detail = f"partial (missing {', '.join(missing)}): " + detail
            else:
                status = "holds" if abs(diff) <= allowance else "violated"
            rows.append({**base, "lhs": lhs, "rhs": rhs, "difference": diff, "allowance": allowance,
                         "status": status, "detail": detail})
    return pd.DataFrame(rows)


def raise_on_violations(checks: pd.DataFrame) -> None:
    """Fail with a message naming company, year, identity, items and values of every violation."""
    bad = checks[checks["status"] == "violated"]
    if bad.empty:
        return
    lines = [f"{r.company} FY{r.fiscal_year}: identity '{r.identity}' ({r.formula}) fails: "
             f"lhs {r.lhs:.4f} vs rhs {r.rhs:.4f} (difference {r.difference:.4f}, allowed {r.allowance:.4f}); "
             f"values: {r.detail}" for r in bad.itertuples()]
    raise IdentityError("accounting identities violated in the cleaned panel:\n" + "\n".join(lines))
