"""Entry script of rule validate_extract: one raw extract -> its evidence table."""
from xpm.errors import InputError
from pathlib import Path

from xpm.extract import decode, validate_extract
from xpm.io import read_reference, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    company, year = smk.wildcards.company, int(smk.wildcards.year)
    try:
        ev = validate_extract(
            decode(Path(smk.input.figures).read_bytes(), smk.input.figures),
            decode(Path(smk.input.sources).read_bytes(), smk.input.sources),
            figures_file=smk.input.figures, sources_file=smk.input.sources,
            company=company, year=year, first_year=int(smk.params.first_year), last_year=year,
            items=read_reference(smk.input.catalogue), units=read_reference(smk.input.units))
    except InputError as e:
        log.error(str(e))
        raise SystemExit(f"ERROR {e}") from None
    write_table(ev, smk.output.evidence)
    log.info("%s FY%s: %d rows validated (%d items)", company, year, len(ev), ev["item"].nunique() if len(ev) else 0)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
