"""Entry script of rule compute_ratios: every company's cleaned panel -> its tidy ratio table."""
from corpfin import companies as C
from corpfin.io import read_table, setup_logging, write_table
from corpfin.ratios import compute_ratios


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    companies = list(smk.params.companies)
    panel = C.read_all(read_table, C.files_of(smk.input.panel, companies))
    r = compute_ratios(panel, float(smk.params.tax_rate_percent) / 100.0)
    out = C.files_of(smk.output.ratios, companies)
    for company, part in C.split(r, companies).items():
        write_table(part, out[company])
        log.info("%s: %d ratio values, %d computable", company, len(part), int(part["value"].notna().sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
