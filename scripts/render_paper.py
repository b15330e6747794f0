"""Entry script of rule render_paper: reports/paper.qmd -> reports/paper.html, paper.docx, paper.pdf.

`quarto render` when the Quarto CLI is on PATH (renderer: auto or quarto); otherwise the pandoc fallback
(pypandoc-binary), from the document tree and the Typst document of rule parse_paper (shortcodes resolved,
cross-references numbered, citations resolved): one self-contained HTML file, a DOCX and a PDF (pandoc's Typst
output compiled by the `typst` wheel: no LaTeX). The log says which renderer ran.
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

from corpfin.fonts import font_face_css
from corpfin.io import read_text, setup_logging, write_bytes
from corpfin.render import WRITER, data_uri, figure_paths, put_images, run_pandoc, stand_ins

# Noto Sans CJK SC (SIL Open Font License), shipped by the pinned `mplfonts` wheel; found without importing the
# package (which imports matplotlib: half a second for a file path)
CJK_FONT = Path(importlib.util.find_spec("mplfonts").origin).parent / "fonts" / "NotoSansCJKsc-Regular.otf"


def render_fallback(tree: Path, targets: Path, typst_doc: Path, out: Path, docx: Path, figures: list[Path], css: Path,
                    pdf: Path, threads: int = 1) -> None:
    """From rule parse_paper: `tree` (HTML and DOCX; each image a stand-in for the path listed at its place in
    `targets`) and the Typst document `typst_doc`. pandoc runs sandboxed (--sandbox: no file or network access beyond
    its command line): the declared figures are put in the tree as data URIs and the stylesheet inlined before
    pandoc sees the document. The PDF is set in a temporary folder holding only the Typst document and the declared
    figures; with two threads, beside the HTML and the DOCX. Every pandoc call has SOURCE_DATE_EPOCH=0
    (corpfin.render.run_pandoc): the DOCX timestamps are fixed, so two clean builds give identical bytes."""
    base = out.parent
    images = {f.relative_to(base).as_posix(): f.read_bytes() for f in figures}
    paths = figure_paths(json.loads(read_text(targets)), images)
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        pdf_job = pool.submit(typst_pdf, read_text(typst_doc), images, Path(tmp) / "typst")
        # --embed-resources reads every byte of the HTML, and the figures are most of them: it sees the tree's short
        # stand-in per figure, and the figure's data URI is put in its place afterwards (the same bytes, in half the
        # time); the DOCX writer gets the data URIs in the tree
        swaps = dict(zip(stand_ins(len(paths)), (data_uri(images[p]) for p in paths)))
        for_html = read_text(tree)
        header = Path(tmp) / "style.html"
        header.write_text(f"<style>\n{read_text(css)}\n{font_face_css(for_html, CJK_FONT)}</style>\n",
                          encoding="utf-8")
        html = run_pandoc(for_html, "json", "html5", base,
                          ["--standalone", "--embed-resources", f"--include-in-header={header}", *WRITER])
        word = Path(tmp) / "paper.docx"
        run_pandoc(put_images(for_html, swaps, "the document tree"), "json", "docx", base, WRITER, word)
        formats = [(out, put_images(html, swaps).encode("utf-8")), (docx, word.read_bytes()), (pdf, pdf_job.result())]
    # published together, once every format is made: an interrupted render leaves the previous set, never a mix
    for path, data in formats:
        write_bytes(path, data)


def typst_pdf(document: str, images: dict[str, bytes], work: Path) -> bytes:
    """The Typst document (corpfin.render.typst_document) -> PDF bytes. Only the declared figures are copied beside
    the document (typst's root, so that any other path could not be read), the creation timestamp is fixed
    (byte-identical rebuilds), and the one font added to Typst's own is Noto Sans CJK SC: no system font is read,
    so every machine sets the same PDF."""
    import typst

    work.mkdir()
    for rel, data in images.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_bytes(data)
    fonts = work / "fonts"
    fonts.mkdir()
    (fonts / CJK_FONT.name).symlink_to(CJK_FONT)
    typ = work / "paper.typ"
    typ.write_text(document, encoding="utf-8")
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
    want = os.environ.get("CORPFIN_RENDERER", smk.params.renderer)
    if want in ("auto", "quarto") and shutil.which("quarto"):
        log.info("renderer: quarto (%s)", shutil.which("quarto"))
        render_quarto(qmd, out, Path(smk.output.docx), Path(smk.output.pdf))
    else:
        if want == "quarto":
            raise SystemExit("ERROR paper.renderer is 'quarto' but the Quarto CLI is not on PATH")
        log.info("renderer: pandoc fallback (pypandoc-binary, pandoc %s)", pypandoc.get_pandoc_version())
        render_fallback(Path(smk.input.tree), Path(smk.input.images), Path(smk.input.typst), out,
                        Path(smk.output.docx), [Path(f) for f in smk.input.figures], Path(smk.input.css),
                        Path(smk.output.pdf), threads=smk.threads)
    log.info("wrote %s (%d bytes)", out, out.stat().st_size)


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
