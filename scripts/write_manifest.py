"""Entry script of rule write_manifest: SHA-256 of every processed table, paper table and _variables.yml."""
from pathlib import Path

from corpfin.io import setup_logging, write_text
from corpfin.verify import build_manifest, manifest_text


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    m = build_manifest(list(smk.input.files), Path("."))
    write_text(smk.output.manifest, manifest_text(m))
    log.info("%d files in the manifest", len(m))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
