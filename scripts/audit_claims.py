"""Entry script of rule audit_claims: the case studies' quantitative claims against our values."""
import pandas as pd

from corpfin.claims import AUDIT_COLUMNS, audit_claims, check_claim_keys
from corpfin.errors import InputError
from corpfin.io import read_table, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    claims = pd.read_csv(smk.input.claims, dtype=str, keep_default_na=False).replace("", float("nan"))
    if smk.params.company != smk.params.claims_about:
        # the case studies are about another company: nothing of theirs to audit in this paper
        write_table(pd.DataFrame(columns=AUDIT_COLUMNS), smk.output.audit)
        log.info("claims are about %s, the paper about %s: none audited", smk.params.claims_about, smk.params.company)
        return
    tables = {"panel": read_table(smk.input.panel), "ratios": read_table(smk.input.ratios),
              "eva": read_table(smk.input.eva)}
    try:
        items = set(pd.read_csv(smk.input.catalogue, dtype=str, keep_default_na=False)["item"])
        check_claim_keys(claims, tables, smk.input.claims, items)
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    a = audit_claims(claims, tables)
    write_table(a, smk.output.audit)
    log.info("claims: %s", a["verdict"].value_counts().to_dict())


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
