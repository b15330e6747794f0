"""Entry script of rule make_figures: the paper's figures (PNG)."""
from corpfin import figures as F
from corpfin.io import read_table, setup_logging
from corpfin.vocabulary import vocabulary
from corpfin.series import series_from


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    years = list(smk.params.years)
    panel, ratios, buildup, trends = (read_table(smk.input.panel), read_table(smk.input.ratios),
                                      read_table(smk.input.buildup), read_table(smk.input.trends))
    eva, coverage = read_table(smk.input.eva), read_table(smk.input.coverage)
    events = list(smk.params.events)
    F.save(F.revenue_by_segment(panel, years), smk.output.segments)
    F.save(F.margins(ratios, years, events), smk.output.margins)
    F.save(F.eva_bars(buildup, years), smk.output.eva)
    F.save(F.coverage_map(coverage, years, list(smk.params.statements)), smk.output.coverage)
    tables = {"panel": panel, "ratios": ratios, "eva": eva}
    series = {name: series_from(tables, s["table"], s["key"], s.get("method")) for name, s in smk.params.series.items()}
    labels = vocabulary(read_table(smk.input.catalogue), dict(smk.params.series))
    F.save(F.trend_lines(series, trends, labels), smk.output.trends)
    log.info("5 figures written")


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
