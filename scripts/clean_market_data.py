"""Entry script of rule clean_market_data: market data and cost-of-capital inputs -> numeric table."""
import pandas as pd

from xpm.errors import InputError
from xpm.io import setup_logging, write_table
from xpm.market import clean_market_data


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    raw = pd.read_csv(smk.input.raw, dtype=str, keep_default_na=False)
    try:
        m = clean_market_data(raw, smk.input.raw)
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    write_table(m, smk.output.market)
    log.info("%d market rows, %d not single numbers", len(m), int(m["value"].isna().sum()))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
