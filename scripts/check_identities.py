"""Entry script of rule check_identities: the panel's accounting identities; any violation fails the build."""
from corpfin.errors import IdentityError
from corpfin.identities import check_identities, raise_on_violations
from corpfin.io import read_table, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    checks = check_identities(read_table(smk.input.panel), list(smk.params.identities), float(smk.params.tolerance))
    try:
        raise_on_violations(checks)
    except IdentityError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    write_table(checks, smk.output.checks)
    log.info("identities: %s", checks["status"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
