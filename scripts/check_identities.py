"""Entry script of rule check_identities: every company's accounting identities; any violation fails the build."""
from corpfin import companies as C
from corpfin.errors import IdentityError
from corpfin.identities import check_identities, raise_on_violations
from corpfin.io import read_table, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    companies = list(smk.params.companies)
    panel = C.read_all(read_table, C.files_of(smk.input.panel, companies))
    checks = check_identities(panel, list(smk.params.identities), float(smk.params.tolerance))
    try:
        raise_on_violations(checks)
    except IdentityError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    out = C.files_of(smk.output.checks, companies)
    for company, part in C.split(checks, companies).items():
        write_table(part, out[company])
        log.info("%s identities: %s", company, part["status"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
