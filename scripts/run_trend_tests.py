"""Entry script of rule run_trend_tests: configured series -> one tidy table of trend tests."""
from corpfin.io import read_table, setup_logging, write_table
from corpfin.trends import run_trend_tests, series_from


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    cfg = dict(smk.params.trends)
    tables = {"panel": read_table(smk.input.panel), "ratios": read_table(smk.input.ratios), "eva": read_table(smk.input.eva)}
    series = {}
    for name, s in cfg["series"].items():
        if s["table"] != "eva" and s["key"] not in set(tables[s["table"]]["item" if s["table"] == "panel" else "ratio"]):
            raise SystemExit(f"ERROR workflow/config.yaml trends.series.{name}: no {s['table']} key {s['key']!r}")
        series[name] = series_from(tables, s["table"], s["key"])
    t = run_trend_tests(series, cfg)
    write_table(t, smk.output.trends)
    log.info("verdicts: %s", t["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
