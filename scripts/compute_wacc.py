"""Entry script of rule compute_wacc: CAPM WACC per company-year with the source of every input."""
from corpfin.cost_of_capital import compute_wacc
from corpfin.io import read_table, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    try:
        w = compute_wacc(read_table(smk.input.panel), read_table(smk.input.market), dict(smk.params.wacc),
                         dict(smk.params.imputation))
    except ValueError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    write_table(w, smk.output.wacc)
    log.info("WACC computable for %s", w.loc[w["wacc"].notna(), "fiscal_year"].tolist())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
