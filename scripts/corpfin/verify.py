"""Peer replication: a manifest (file -> SHA-256) of every processed table, paper table and
_variables.yml, and a check of a rebuild against it.

    uv run python tools/verify.py                      # compare this rebuild with reports/reference_manifest.tsv
    uv run python tools/verify.py --reference DIR      # ... and, for differing CSV tables, list the cells that
                                                     #     differ from the same file under DIR beyond --tolerance
    uv run python tools/verify.py --refresh            # adopt this rebuild as the reference (after a reviewed change)

Exit status 0 when every file matches, 1 otherwise.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # pandas is imported where a table is compared: rule write_manifest loads none
    import pandas as pd

REFERENCE = "reports/reference_manifest.tsv"
GENERATED = "reports/manifest.tsv"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


MANIFEST_COLUMNS = ("path", "sha256", "bytes")


def build_manifest(files: list[str], root: Path) -> list[tuple[str, str, int]]:
    """(path, SHA-256, size in bytes) of each file, in the order of the paths."""
    return [(f, sha256(root / f), (root / f).stat().st_size) for f in sorted(files)]


def manifest_text(rows: list[tuple[str, str, int]]) -> str:
    """The manifest as a tab-separated table with a header line (MANIFEST_COLUMNS), as pandas reads it back. Rule
    write_manifest loads no pandas (0.3 s for 75 lines)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(MANIFEST_COLUMNS)
    w.writerows(rows)
    return out.getvalue()


def compare(reference: pd.DataFrame, root: Path) -> pd.DataFrame:
    """One row per reference file: status ok / differs / missing, plus files the rebuild has in addition."""
    import pandas as pd

    out = []
    for r in reference.itertuples():
        p = root / r.path
        status = "missing" if not p.exists() else ("ok" if sha256(p) == r.sha256 else "differs")
        out.append({"path": r.path, "status": status})
    return pd.DataFrame(out)


def cell_differences(a: Path, b: Path, tolerance: float) -> pd.DataFrame:
    """Cells of two CSV tables that differ: numbers beyond the relative tolerance, text when unequal."""
    import numpy as np
    import pandas as pd

    x, y = pd.read_csv(a, keep_default_na=False), pd.read_csv(b, keep_default_na=False)
    if list(x.columns) != list(y.columns) or len(x) != len(y):
        return pd.DataFrame([{"row": "-", "column": "-", "ours": f"{len(x)} rows {list(x.columns)}",
                              "reference": f"{len(y)} rows {list(y.columns)}"}])
    diffs = []
    for col in x.columns:
        xs, ys = pd.to_numeric(x[col], errors="coerce"), pd.to_numeric(y[col], errors="coerce")
        numeric = xs.notna() & ys.notna()
        close = np.isclose(xs[numeric], ys[numeric], rtol=tolerance, atol=0.0)
        for i in xs[numeric].index[~close]:
            diffs.append({"row": i + 2, "column": col, "ours": x.at[i, col], "reference": y.at[i, col]})
        for i in x.index[~numeric & (x[col].astype(str) != y[col].astype(str))]:
            diffs.append({"row": i + 2, "column": col, "ours": x.at[i, col], "reference": y.at[i, col]})
    return pd.DataFrame(diffs, columns=["row", "column", "ours", "reference"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=".", help="the rebuild to check (repository root)")
    ap.add_argument("--manifest", default=REFERENCE, help="reference manifest (path, sha256, bytes; TSV)")
    ap.add_argument("--reference", help="directory holding the reference files, for cell-level differences")
    ap.add_argument("--tolerance", type=float, default=1e-9, help="relative tolerance for numeric cells")
    ap.add_argument("--refresh", action="store_true", help=f"copy {GENERATED} to the reference manifest")
    a = ap.parse_args(argv)
    import pandas as pd

    root = Path(a.root)
    if a.refresh:
        (root / a.manifest).write_text((root / GENERATED).read_text())
        print(f"reference manifest refreshed from {GENERATED}")
        return 0
    ref = pd.read_csv(root / a.manifest, sep="\t")
    res = compare(ref, root)
    bad = res[res["status"] != "ok"]
    for r in bad.itertuples():
        print(f"{r.status}: {r.path}")
        if a.reference and r.status == "differs" and r.path.endswith(".csv"):
            d = cell_differences(root / r.path, Path(a.reference) / r.path, a.tolerance)
            for c in d.head(50).itertuples():
                print(f"    row {c.row}, column {c.column}: ours {c.ours!r} vs reference {c.reference!r}")
            if len(d) > 50:
                print(f"    ... {len(d) - 50} more cells")
    print(f"{int((res['status'] == 'ok').sum())} of {len(res)} files identical to {a.manifest}")
    return 0 if bad.empty else 1


if __name__ == "__main__":
    sys.exit(main())
