"""Entry script of rule render_paper: reports/paper.qmd -> reports/paper.html.

`quarto render` when the Quarto CLI is on PATH (renderer: auto or quarto); otherwise the pandoc fallback
(pypandoc-binary): shortcodes resolved, cross-references numbered, citations by --citeproc, one
self-contained HTML file, a DOCX and a PDF (pandoc's Typst output compiled by the `typst` wheel: no LaTeX). The
log says which renderer ran.
"""
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mplfonts
import pypandoc
import yaml

from xpm.io import read_text, setup_logging, write_bytes, write_text
from xpm.render import embed_figures, qmd_to_markdown


# Noto Sans CJK SC (SIL Open Font License), shipped by the pinned `mplfonts` wheel
CJK_FONT = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"


def render_fallback(qmd: Path, variables: dict, bib: Path, out: Path, docx: Path, figures: list[Path],
                    css: Path, pdf: Path, threads: int = 1) -> None:
    """pandoc runs sandboxed (--sandbox: no file or network access beyond its command line): the declared
    figures are embedded as data URIs and the stylesheet inlined before pandoc sees the document. The PDF is
    pandoc's Typst output compiled by the `typst` wheel (no LaTeX), in a temporary folder holding only the
    document and the declared figures. With two threads the PDF is set beside the HTML and DOCX."""
    base = qmd.parent

    def md_of(numbered: bool) -> str:
        return qmd_to_markdown(read_text(qmd), variables, lambda rel: read_text(base / rel), caption_numbers=numbered)

    images = {f.relative_to(base).as_posix(): f.read_bytes() for f in figures}
    # relative to the paper's folder (pandoc runs there): no absolute path of the build machine ends up in the
    # DOCX metadata; SOURCE_DATE_EPOCH fixes the DOCX timestamps, so two clean builds give identical bytes
    os.environ["SOURCE_DATE_EPOCH"] = "0"
    reader = ["--sandbox", "--citeproc", f"--bibliography={bib.resolve().relative_to(base.resolve())}",
              "--metadata=lang:en", "--metadata=link-citations:true"]
    writer = ["--sandbox", "--toc", "--number-sections", "--mathml"]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        target = Path(tmp) / "paper.html"
        header = Path(tmp) / "style.html"
        header.write_text(f"<style>\n{read_text(css)}\n</style>\n", encoding="utf-8")
        word = Path(tmp) / "paper.docx"

        def html_and_docx() -> None:
            # the Markdown is parsed (and the citations resolved) once, to pandoc's document tree; HTML and DOCX
            # are written from it (byte-identical to converting the Markdown twice, in half the time)
            tree = pandoc(embed_figures(md_of(True), images), "markdown", "json", base, reader)
            pandoc(tree, "json", "html5", base,
                   ["--standalone", "--embed-resources", f"--include-in-header={header}", *writer], target)
            pandoc(tree, "json", "docx", base, writer, word)

        # Typst numbers tables and figures itself: its captions come unnumbered; it runs beside HTML and DOCX
        pdf_job = pool.submit(typst_pdf, md_of(False), images, Path(tmp) / "typst", [*reader, *writer[1:]], base)
        pool.submit(html_and_docx).result()
        write_text(out, target.read_text(encoding="utf-8"))
        write_bytes(docx, word.read_bytes())
        write_bytes(pdf, pdf_job.result())


def pandoc(text: str, source: str, target: str, cwd: Path, args: list[str], output: Path | None = None) -> str:
    """Run pypandoc's pandoc binary on `text` in folder `cwd` (its own working directory: pypandoc.convert_text
    changes the whole process's directory, which two threads cannot share) and return what it prints."""
    cmd = [pypandoc.get_pandoc_path(), f"--from={source}", f"--to={target}",
           *([f"--output={output}"] if output else []), *args]
    r = subprocess.run(cmd, input=text.encode("utf-8"), cwd=cwd, capture_output=True)
    if r.returncode:
        raise RuntimeError(f"pandoc --to={target} failed ({r.returncode}): {r.stderr.decode('utf-8', 'replace')}")
    return r.stdout.decode("utf-8")


def typst_pdf(md: str, images: dict[str, bytes], work: Path, common: list[str], base: Path) -> bytes:
    """pandoc Markdown -> Typst -> PDF bytes. Only the declared figures are copied beside the document (typst's
    root), the creation timestamp is fixed (byte-identical rebuilds) and the PDF is A4 with small table text."""
    import typst

    work.mkdir()
    for rel, data in images.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_bytes(data)
    typ = work / "paper.typ"
    pandoc(md, "markdown", "typst", base, ["--standalone", "--variable=papersize:a4", "--variable=fontsize:10pt",
                                           "--variable=margin.x:1.6cm", "--variable=margin.y:2cm", *common], typ)
    text = typ.read_text(encoding="utf-8")
    # tables in a smaller size so that year tables fit the page width; Chinese quotations (claims audit) in Noto
    # Sans CJK SC, the one font added to Typst's own: no system font is read, so every machine sets the same PDF
    fonts = work / "fonts"
    fonts.mkdir()
    (fonts / CJK_FONT.name).symlink_to(CJK_FONT)
    # a long table (the claims audit, the coverage appendix) breaks across pages instead of running off the page
    head = ('#show table: set text(size: 7pt)\n'
            '#show figure.where(kind: table): set block(breakable: true)\n'
            '#set text(font: ("Libertinus Serif", "Noto Sans CJK SC"))\n')
    typ.write_text(head + text, encoding="utf-8")
    return typst.compile(str(typ), root=str(work), timestamp=0, font_paths=[str(fonts)], ignore_system_fonts=True)


def render_quarto(qmd: Path, out: Path, docx: Path, pdf: Path) -> None:
    """Quarto's own HTML, DOCX and Typst (PDF) formats (_quarto.yml)."""
    for fmt, target, ext in (("html", out, "html"), ("docx", docx, "docx"), ("typst", pdf, "pdf")):
        subprocess.run(["quarto", "render", qmd.name, "--to", fmt], cwd=qmd.parent, check=True)
        produced = qmd.parent / f"paper.{ext}"
        if produced.resolve() != target.resolve():
            shutil.move(produced, target)


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    qmd, out = Path(smk.input.qmd), Path(smk.output.html)
    variables = yaml.safe_load(read_text(smk.input.variables))
    want = os.environ.get("XPM_RENDERER", smk.params.renderer)
    if want in ("auto", "quarto") and shutil.which("quarto"):
        log.info("renderer: quarto (%s)", shutil.which("quarto"))
        render_quarto(qmd, out, Path(smk.output.docx), Path(smk.output.pdf))
    else:
        if want == "quarto":
            raise SystemExit("ERROR paper.renderer is 'quarto' but the Quarto CLI is not on PATH")
        log.info("renderer: pandoc fallback (pypandoc-binary, pandoc %s)", pypandoc.get_pandoc_version())
        render_fallback(qmd, variables, Path(smk.input.bib), out, Path(smk.output.docx),
                        [Path(f) for f in smk.input.figures], Path(smk.input.css), Path(smk.output.pdf),
                        threads=smk.threads)
    log.info("wrote %s (%d bytes)", out, out.stat().st_size)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
