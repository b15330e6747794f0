"""Peer replication: compare this build with the reference manifest (see scripts/corpfin/verify.py).

    uv run python tools/verify.py                      # every published file identical to reports/reference_manifest.tsv?
    uv run python tools/verify.py --reference DIR      # ... and, for differing CSV tables, the cells that differ
    uv run python tools/verify.py --refresh            # adopt this build as the reference (after a reviewed change)
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from corpfin.verify import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
