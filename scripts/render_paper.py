"""Entry script of rule render_paper: reports/paper.qmd -> reports/paper.html.

`quarto render` when the Quarto CLI is on PATH (renderer: auto or quarto); otherwise the pandoc fallback
(pypandoc-binary): shortcodes resolved, cross-references numbered, citations by --citeproc, one
self-contained HTML file and a DOCX. (PDF needs a LaTeX engine, which neither route installs.) The log says which renderer ran.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypandoc
import yaml

from xpm.io import read_text, setup_logging, write_bytes, write_text
from xpm.render import embed_figures, qmd_to_markdown


def render_fallback(qmd: Path, variables: dict, bib: Path, out: Path, docx: Path, figures: list[Path],
                    css: Path) -> None:
    """pandoc runs sandboxed (--sandbox: no file or network access beyond its command line): the declared
    figures are embedded as data URIs and the stylesheet inlined before pandoc sees the document."""
    base = qmd.parent
    md = qmd_to_markdown(read_text(qmd), variables, lambda rel: read_text(base / rel))
    md = embed_figures(md, {f.relative_to(base).as_posix(): f.read_bytes() for f in figures})
    # relative to the paper's folder (pandoc runs there): no absolute path of the build machine ends up in the
    # DOCX metadata; SOURCE_DATE_EPOCH fixes the DOCX timestamps, so two clean builds give identical bytes
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    common = ["--sandbox", "--citeproc", f"--bibliography={bib.resolve().relative_to(base.resolve())}", "--toc",
              "--number-sections", "--metadata=lang:en", "--metadata=link-citations:true"]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "paper.html"
        header = Path(tmp) / "style.html"
        header.write_text(f"<style>\n{read_text(css)}\n</style>\n", encoding="utf-8")
        pypandoc.convert_text(md, "html5", format="markdown", outputfile=str(target), cworkdir=str(base),
                              extra_args=["--standalone", "--embed-resources", f"--include-in-header={header}",
                                          *common])
        write_text(out, target.read_text(encoding="utf-8"))
        word = Path(tmp) / "paper.docx"
        pypandoc.convert_text(md, "docx", format="markdown", outputfile=str(word), cworkdir=str(base), extra_args=common)
        write_bytes(docx, word.read_bytes())


def render_quarto(qmd: Path, out: Path, docx: Path) -> None:
    for fmt, target in (("html", out), ("docx", docx)):
        subprocess.run(["quarto", "render", qmd.name, "--to", fmt], cwd=qmd.parent, check=True)
        produced = qmd.parent / f"paper.{fmt}"
        if produced.resolve() != target.resolve():
            shutil.move(produced, target)


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    qmd, out = Path(smk.input.qmd), Path(smk.output.html)
    variables = yaml.safe_load(read_text(smk.input.variables))
    want = os.environ.get("XPM_RENDERER", smk.params.renderer)
    if want in ("auto", "quarto") and shutil.which("quarto"):
        log.info("renderer: quarto (%s)", shutil.which("quarto"))
        render_quarto(qmd, out, Path(smk.output.docx))
    else:
        if want == "quarto":
            raise SystemExit("ERROR paper.renderer is 'quarto' but the Quarto CLI is not on PATH")
        log.info("renderer: pandoc fallback (pypandoc-binary, pandoc %s)", pypandoc.get_pandoc_version())
        render_fallback(qmd, variables, Path(smk.input.bib), out, Path(smk.output.docx),
                        [Path(f) for f in smk.input.figures], Path(smk.input.css))
    log.info("wrote %s (%d bytes)", out, out.stat().st_size)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
