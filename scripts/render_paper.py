"""Entry script of rule render_paper: reports/paper.qmd -> reports/paper.html, paper.docx, paper.pdf.

`quarto render` when the Quarto CLI is on PATH (renderer: auto or quarto); otherwise the pandoc fallback
(pypandoc-binary), from the document trees of rule parse_paper (shortcodes resolved, cross-references numbered,
citations resolved): one self-contained HTML file, a DOCX and a PDF (pandoc's Typst output compiled by the `typst`
wheel: no LaTeX). The log says which renderer ran.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypandoc

from xpm.io import read_text, setup_logging, write_bytes, write_text
from xpm.render import data_uri, figure_paths, finish_pandoc, put_images, run_pandoc, stand_ins, start_pandoc

# Noto Sans CJK SC (SIL Open Font License), shipped by the pinned `mplfonts` wheel; found without importing the
# package (which imports matplotlib: half a second for a file path)
CJK_FONT = Path(importlib.util.find_spec("mplfonts").origin).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
WRITER = ["--sandbox", "--toc", "--number-sections", "--mathml"]
# the citations were resolved by --citeproc when the tree was read: Typst gets them as text, as pandoc does for
# Markdown read with --citeproc (which turns the writer's own `citations` extension off)
TYPST = ["--standalone", "--variable=papersize:a4", "--variable=fontsize:10pt", "--variable=margin.x:1.6cm",
         "--variable=margin.y:2cm", *WRITER]


def render_fallback(tree: Path, targets: Path, typst_tree: Path, out: Path, docx: Path, figures: list[Path], css: Path,
                    pdf: Path, threads: int = 1) -> None:
    """The trees of rule parse_paper: `tree` (HTML and DOCX; an image is a stand-in for the path listed at its
    place in `targets`) and `typst_tree`. pandoc runs sandboxed (--sandbox: no file or network access beyond its
    command line): the declared figures are put in the tree as data URIs and the stylesheet inlined before pandoc sees the document. The PDF is set in
    a temporary folder holding only the Typst document and the declared figures; with two threads, beside the
    HTML and the DOCX (two threads of about equal length). Every pandoc call has SOURCE_DATE_EPOCH=0
    (xpm.render.run_pandoc): the DOCX timestamps are fixed, so two clean builds give identical bytes."""
    base = out.parent
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        work = Path(tmp) / "typst"
        work.mkdir()
        # the Typst markup names the figures but needs none of their bytes: pandoc writes it from the Typst tree
        # (rule parse_paper made both trees from one parse) while the HTML and DOCX trees are made here
        markup = start_pandoc(typst_tree, "json", "typst-citations", base, TYPST, work / "paper.typ")
        try:
            images = {f.relative_to(base).as_posix(): f.read_bytes() for f in figures}
            paths = figure_paths(json.loads(read_text(targets)), images)
            uris = [data_uri(images[p]) for p in paths]
            # --embed-resources reads every byte of the HTML, and the figures are most of them: it sees the tree's
            # short stand-in per figure, and the figure's data URI is put in its place afterwards (the same bytes,
            # in half the time); the DOCX writer gets the data URIs in the tree
            swaps = dict(zip(stand_ins(len(paths)), uris))
            for_html = read_text(tree)
            for_docx = put_images(for_html, swaps, "the document tree")
            header = Path(tmp) / "style.html"
            header.write_text(f"<style>\n{read_text(css)}\n</style>\n", encoding="utf-8")
            pdf_job = pool.submit(typst_pdf, markup, images, work)
            html = run_pandoc(for_html, "json", "html5", base,
                              ["--standalone", "--embed-resources", f"--include-in-header={header}", *WRITER])
            write_text(out, put_images(html, swaps))
            word = Path(tmp) / "paper.docx"
            run_pandoc(for_docx, "json", "docx", base, WRITER, word)
            write_bytes(docx, word.read_bytes())
            write_bytes(pdf, pdf_job.result())
        finally:   # a failure above leaves no pandoc writing into the folder being removed
            if markup.poll() is None:
                markup.kill()
                markup.wait()


def typst_pdf(markup: subprocess.Popen, images: dict[str, bytes], work: Path) -> bytes:
    """pandoc's Typst (`markup`, being written to work/paper.typ) -> PDF bytes. Only the declared figures are
    copied beside the document (typst's root, so that any other path could not be read), the creation timestamp
    is fixed (byte-identical rebuilds) and the PDF is A4 with small table text."""
    import typst

    for rel, data in images.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_bytes(data)
    # tables in a smaller size so that year tables fit the page width; Chinese quotations (claims audit) in Noto
    # Sans CJK SC, the one font added to Typst's own: no system font is read, so every machine sets the same PDF
    fonts = work / "fonts"
    fonts.mkdir()
    (fonts / CJK_FONT.name).symlink_to(CJK_FONT)
    finish_pandoc(markup, "typst")
    typ = work / "paper.typ"
    text = typ.read_text(encoding="utf-8")
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
    want = os.environ.get("XPM_RENDERER", smk.params.renderer)
    if want in ("auto", "quarto") and shutil.which("quarto"):
        log.info("renderer: quarto (%s)", shutil.which("quarto"))
        render_quarto(qmd, out, Path(smk.output.docx), Path(smk.output.pdf))
    else:
        if want == "quarto":
            raise SystemExit("ERROR paper.renderer is 'quarto' but the Quarto CLI is not on PATH")
        log.info("renderer: pandoc fallback (pypandoc-binary, pandoc %s)", pypandoc.get_pandoc_version())
        render_fallback(Path(smk.input.tree), Path(smk.input.images), Path(smk.input.typst_tree), out,
                        Path(smk.output.docx), [Path(f) for f in smk.input.figures], Path(smk.input.css),
                        Path(smk.output.pdf), threads=smk.threads)
    log.info("wrote %s (%d bytes)", out, out.stat().st_size)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
