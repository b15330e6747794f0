"""Entry script of rule render_supplement: reports/supplement.qmd -> reports/supplement.html, the inventories behind
the paper (coverage, conflicts, provenance, the to-do list), one self-contained HTML file.

`quarto render` when the Quarto CLI is on PATH; otherwise pandoc (pypandoc-binary, sandboxed), its figures put in as
data URIs first."""
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from corpfin.io import read_text, setup_logging, write_text
from corpfin.render import html_document, paper_markdown


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    qmd, out = Path(smk.input.qmd), Path(smk.output.html)
    want = os.environ.get("CORPFIN_RENDERER", smk.params.renderer)
    if want in ("auto", "quarto") and shutil.which("quarto"):
        subprocess.run(["quarto", "render", qmd.name, "--to", "html"], cwd=qmd.parent, check=True)
        log.info("renderer: quarto")
    else:
        base = qmd.parent
        variables = yaml.safe_load(read_text(smk.input.variables))
        md, _ = paper_markdown(read_text(qmd), variables, lambda rel: read_text(base / rel))
        figures = {Path(f).relative_to(base).as_posix(): Path(f).read_bytes() for f in smk.input.figures}
        write_text(out, html_document(md, base, read_text(smk.input.css), figures, []))
        log.info("renderer: pandoc fallback")
    log.info("wrote %s (%d bytes)", out, out.stat().st_size)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
