"""Entry script of rule computability: years computable per ratio, WACC and EVA method in strict and tiered mode."""
from xpm.computability import computability_markdown, computability_table
from xpm.io import read_reference, read_table, setup_logging, write_table, write_text


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    cfg = dict(smk.params.cfg)
    t = computability_table(read_table(smk.input.panel), read_table(smk.input.market), cfg,
                            read_reference(smk.input.catalogue))
    write_table(t, smk.output.table)
    write_text(smk.output.markdown, computability_markdown(t, *smk.params.window))
    log.info("series-years computable: strict %d, tiered %d", int(t["n_strict"].sum()), int(t["n_tiered"].sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
