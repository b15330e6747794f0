"""Entry script of rule compute_ratios: cleaned panel -> tidy ratio table."""
from corpfin.io import read_table, setup_logging, write_table
from corpfin.ratios import compute_ratios


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    r = compute_ratios(read_table(smk.input.panel), float(smk.params.tax_rate_percent) / 100.0)
    write_table(r, smk.output.ratios)
    log.info("%d ratio values, %d computable", len(r), int(r["value"].notna().sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
