"""Entry script of rule clean_market_data: market data and cost-of-capital inputs -> numeric table."""
import pandas as pd

from corpfin.errors import InputError
from corpfin.fx import fx_check
from corpfin.io import setup_logging, write_table
from corpfin.market import clean_market_data, derive_market, settle_conflicts


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    raw = pd.read_csv(smk.input.raw, dtype=str, keep_default_na=False)
    try:
        m = clean_market_data(raw, smk.input.raw, list(smk.params.bounds))
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    m, conflicts = settle_conflicts(m)
    try:
        m = derive_market(m, list(smk.params.derivations))
    except ValueError as e:  # ConfigError: a derivation naming an unknown item
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    write_table(m, smk.output.market)
    write_table(conflicts, smk.output.conflicts)
    check = fx_check(m)
    write_table(check, smk.output.fx_check)
    log.info("ECB vs SAFE/CFETS HKD rates: %d comparisons, max |difference| %.3f%%", len(check),
             100 * check["relative_difference"].abs().max() if len(check) else float("nan"))
    log.info("%d market rows, %d not single numbers, %d conflicts settled by the stated rule, %d derived",
             len(m), int(m["value"].isna().sum()), len(conflicts), int((m["basis"] == "derived").sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
