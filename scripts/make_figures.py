"""Entry script of rule make_figures: the paper's figures (PNG)."""
from xpm import figures as F
from xpm.io import read_table, setup_logging
from xpm.series import series_from


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    years = list(smk.params.years)
    panel, ratios, buildup, trends = (read_table(smk.input.panel), read_table(smk.input.ratios),
                                      read_table(smk.input.buildup), read_table(smk.input.trends))
    eva = read_table(smk.input.eva)
    F.save(F.revenue_by_segment(panel, years), smk.output.segments)
    F.save(F.margins(ratios, years), smk.output.margins)
    F.save(F.eva_bars(buildup, years), smk.output.eva)
    tables = {"panel": panel, "ratios": ratios, "eva": eva}
    series = {name: series_from(tables, s["table"], s["key"]) for name, s in smk.params.series.items()}
    F.save(F.trend_lines(series, trends), smk.output.trends)
    log.info("4 figures written")


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
