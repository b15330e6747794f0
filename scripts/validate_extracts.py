"""Entry script of rule validate_extracts: every raw extract of every company -> each company's evidence table.

Each file is validated on its own and an error names that file, its row and column."""
from pathlib import Path

import pandas as pd

from corpfin.companies import files_of
from corpfin.errors import InputError
from corpfin.extract import decode, validate_extract
from corpfin.io import read_reference, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    companies = dict(smk.params.companies)
    out = files_of(smk.output.evidence, companies)
    items, units = read_reference(smk.input.catalogue), read_reference(smk.input.units)
    files = iter(zip(smk.input.figures, smk.input.sources))
    try:
        for company, settings in companies.items():
            frames = []
            years = list(settings["years"])
            for year in years:
                figures, sources = next(files)
                ev = validate_extract(
                    decode(Path(figures).read_bytes(), figures), decode(Path(sources).read_bytes(), sources),
                    figures_file=figures, sources_file=sources, company=company, year=int(year),
                    first_year=years[0], last_year=int(year), items=items, units=units,
                    raw_text=dict(smk.params.raw_text))
                log.info("%s FY%s: %d rows validated (%d items)", company, year, len(ev),
                         ev["item"].nunique() if len(ev) else 0)
                frames.append(ev)
            write_table(pd.concat(frames, ignore_index=True), out[company])
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
