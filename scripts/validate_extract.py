"""Entry script of rule validate_extract: one raw extract -> its evidence table."""
from xpm.errors import InputError
from xpm.extract import validate_extract
from xpm.io import read_reference, read_text, setup_logging, write_table


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    company, year = smk.wildcards.company, int(smk.wildcards.year)
    try:
        ev = validate_extract(
            read_text(smk.input.figures), read_text(smk.input.sources),
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
