"""Entry script of rule validate_extract: every raw extract of one company -> its evidence table.

One job per company (issue 16: ten jobs of ~10 ms work each cost ~1 s of interpreter start-up apiece); each
file is still validated on its own and an error names that file, its row and column."""
from pathlib import Path

import pandas as pd

from corpfin.errors import InputError
from corpfin.extract import decode, validate_extract
from corpfin.io import read_reference, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    company = smk.wildcards.company
    items, units = read_reference(smk.input.catalogue), read_reference(smk.input.units)
    frames = []
    try:
        for year, figures, sources in zip(smk.params.years, smk.input.figures, smk.input.sources):
            ev = validate_extract(
                decode(Path(figures).read_bytes(), figures), decode(Path(sources).read_bytes(), sources),
                figures_file=figures, sources_file=sources, company=company, year=int(year),
                first_year=int(smk.params.first_year), last_year=int(year), items=items, units=units)
            log.info("%s FY%s: %d rows validated (%d items)", company, year, len(ev),
                     ev["item"].nunique() if len(ev) else 0)
            frames.append(ev)
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    write_table(pd.concat(frames, ignore_index=True), smk.output.evidence)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
