"""Entry script of rule make_figures: the paper's figures (PNG)."""
from corpfin import companies as C
from corpfin import figures as F
from corpfin.io import read_table, setup_logging
from corpfin.series import series_from
from corpfin.vocabulary import series_units, vocabulary


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    prm = smk.params
    years, currency = list(prm.years), prm.currency
    panel, ratios, trends = read_table(smk.input.panel), read_table(smk.input.ratios), read_table(smk.input.trends)
    eva, coverage, catalogue = read_table(smk.input.eva), read_table(smk.input.coverage), read_table(smk.input.catalogue)
    names = dict(prm.names)
    peer_ratios = C.split(C.read_all(read_table, C.files_of(smk.input.peer_ratios, names)), names)
    # the paper's company first, then its peers
    peers = {c: {"name": names[c], "ratios": peer_ratios[c]}
             for c in [prm.company] + [c for c in names if c != prm.company]}
    F.save(F.revenue_by_segment(panel, years), smk.output.segments)
    F.save(F.gross_profit_shares(ratios, years), smk.output.gp_shares)
    F.save(F.margins(ratios, years, list(prm.events)), smk.output.margins)
    F.save(F.eva_bars(eva, years, currency), smk.output.eva)
    F.save(F.peers_panels(peers, years), smk.output.peers)
    F.save(F.coverage_map(coverage, years, list(prm.statements)), smk.output.coverage)
    tables = {"panel": panel, "ratios": ratios, "eva": eva}
    cfg = dict(prm.series)
    series = {name: series_from(tables, s["table"], s["key"], s.get("method")) for name, s in cfg.items()}
    axis_units, _ = series_units(cfg, ratios, catalogue, currency)
    F.save(F.trend_lines(series, trends, vocabulary(catalogue, cfg), axis_units, list(prm.panels)),
           smk.output.trends)
    log.info("%d figures written", 7)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
