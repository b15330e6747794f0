"""Entry script of rule run_trend_tests: configured series -> one tidy table of trend tests."""
import pandas as pd

from xpm.io import read_table, setup_logging, write_table
from xpm.trends import run_trend_tests


def series_from(tables: dict[str, pd.DataFrame], table: str, key: str) -> pd.DataFrame:
    t = tables[table]
    if table == "panel":
        d = t[(t["item"] == key) & (t["period"] == "FY")]
    elif table == "ratios":
        d = t[t["ratio"] == key]
    else:
        d = t[t["headline"].astype(bool)].rename(columns={key: "value"})
    if d.empty and table != "eva":
        raise SystemExit(f"ERROR trends.series: no {table} key {key!r} (workflow/config.yaml)")
    return d[["fiscal_year", "value"]]


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    cfg = dict(smk.params.trends)
    tables = {"panel": read_table(smk.input.panel), "ratios": read_table(smk.input.ratios), "eva": read_table(smk.input.eva)}
    series = {name: series_from(tables, s["table"], s["key"]) for name, s in cfg["series"].items()}
    t = run_trend_tests(series, cfg)
    write_table(t, smk.output.trends)
    log.info("verdicts: %s", t["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
