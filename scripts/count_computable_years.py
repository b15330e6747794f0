"""Entry script of rule count_computable_years: years computable per ratio, WACC and EVA method in strict and tiered mode."""
from corpfin.computability import computability_markdown, computability_table
from corpfin.io import read_reference, read_table, setup_logging, write_table, write_text
from corpfin.vocabulary import humanize, vocabulary


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    cfg = dict(smk.params.cfg)
    catalogue = read_reference(smk.input.catalogue)
    t = computability_table(read_table(smk.input.panel), read_table(smk.input.market), cfg, catalogue)
    write_table(t, smk.output.table)
    # in the reader's words (the paper's appendix and the README show it); the CSV keeps the code names
    write_text(smk.output.markdown, humanize(computability_markdown(t, *smk.params.window), vocabulary(catalogue)))
    log.info("series-years computable: strict %d, tiered %d", int(t["n_strict"].sum()), int(t["n_tiered"].sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
