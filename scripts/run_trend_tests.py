"""Entry script of rule run_trend_tests: each company's configured series -> its tidy table of trend tests."""
from corpfin import companies as C
from corpfin.io import read_table, setup_logging, write_table
from corpfin.trends import run_trend_tests, series_from


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    cfg = dict(smk.params.trends)
    companies = list(smk.params.companies)
    inputs = {name: C.split(C.read_all(read_table, C.files_of(getattr(smk.input, name), companies)), companies)
              for name in ("panel", "ratios", "eva")}
    out = C.files_of(smk.output.trends, companies)
    for company in companies:
        tables = {name: inputs[name][company] for name in inputs}
        series = {}
        for name, s in cfg["series"].items():
            column = "item" if s["table"] == "panel" else "ratio"
            if s["table"] != "eva" and len(tables[s["table"]]) and s["key"] not in set(tables[s["table"]][column]):
                raise SystemExit(f"ERROR workflow/config.yaml trends.series.{name}: no {s['table']} key {s['key']!r}")
            series[name] = series_from(tables, s["table"], s["key"], s.get("method"))
        t = run_trend_tests(series, cfg)
        write_table(t, out[company])
        log.info("%s verdicts: %s", company, t["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
