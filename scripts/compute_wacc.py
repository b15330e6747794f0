"""Entry script of rule compute_wacc: CAPM WACC per company-year with the source of every input (one run per group
of companies with the same market and beta settings)."""
from corpfin import companies as C
from corpfin.cost_of_capital import compute_wacc
from corpfin.io import read_table, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    settings = dict(smk.params.companies)
    panel = C.read_all(read_table, C.files_of(smk.input.panel, settings))
    market = read_table(smk.input.market)
    out = C.files_of(smk.output.wacc, settings)
    for cfg, names in C.groups(settings, "wacc"):
        try:
            w = compute_wacc(panel[panel["company"].isin(names)], market, dict(cfg), dict(smk.params.imputation))
        except ValueError as e:
            log.error(str(e))
            raise SystemExit(f"ERROR {e}") from None
        for company, part in C.split(w, names).items():
            write_table(part, out[company])
            log.info("%s: WACC computable for %s", company, part.loc[part["wacc"].notna(), "fiscal_year"].tolist())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
