"""Entry script of rule parse_paper: reports/paper.qmd and its tables -> pandoc's document tree (JSON) and Typst.

The pandoc fallback reads the paper once, here, while the figures are still being drawn: shortcodes resolved,
cross-references numbered, citations resolved by --citeproc (pandoc runs sandboxed: no file or network access
beyond its command line). The tree the HTML and DOCX are written from, each image in it a stand-in and the paths
listed in order (images.json; rule render_paper puts the declared figures in); and the Typst document, written
from the same tree with the captions that lose the numbers the other formats print (Typst numbers tables and
figures itself), naming the figures by their paths. Byte-identical outputs to converting the Markdown once per
format, in a third of the time. (Where the Quarto CLI renders the paper, render_paper reads the .qmd itself and
these trees go unused.)
"""
import json
from pathlib import Path

import yaml

from corpfin.io import read_text, setup_logging, write_text
from corpfin.render import (TYPST_WRITER, image_targets, load_tree, paper_markdown, retarget, run_pandoc, stand_ins,
                        stash_titles, strip_caption_numbers, typst_document)


def main(smk) -> None:
    log = setup_logging(smk.log[0])
    qmd = Path(smk.input.qmd)
    base = qmd.parent
    variables = yaml.safe_load(read_text(smk.input.variables))
    md, labels = paper_markdown(read_text(qmd), variables, lambda rel: read_text(base / rel))
    # the bibliography relative to the paper's folder (pandoc runs there): no absolute path of the build machine
    # ends up in an output
    bib = Path(smk.input.bib).resolve().relative_to(base.resolve())
    short, titles = stash_titles(md)
    text = run_pandoc(short, "markdown", "json", base, ["--sandbox", "--citeproc", f"--bibliography={bib}",
                                                         "--metadata=lang:en", "--metadata=link-citations:true"])
    tree, nodes = load_tree(text, titles)
    # the HTML and DOCX tree names each image by a stand-in, in order; rule render_paper puts the declared figure
    # listed at the same place in `images` there (its bytes as a data URI) without reading the tree again
    paths = image_targets(nodes["Image"])
    retarget(nodes["Image"], stand_ins(len(paths)))
    write_text(smk.output.tree, json.dumps(tree, ensure_ascii=False, separators=(",", ":")))
    write_text(smk.output.images, json.dumps(paths, ensure_ascii=False))
    retarget(nodes["Image"], paths)
    strip_caption_numbers(nodes, labels)
    # the Typst markup names the figures but needs none of their bytes: written here, while the figures are drawn
    # -smart: pandoc writes the typographic quotes and apostrophes it read, instead of straight ones that Typst would
    # re-guess (an apostrophe after a full stop, "Inc.'s", would become an opening quote)
    markup = run_pandoc(json.dumps(tree, ensure_ascii=False, separators=(",", ":")), "json", "typst-citations-smart", base,
                        TYPST_WRITER)
    write_text(smk.output.typst, typst_document(markup))
    log.info("paper parsed: %d tables, %d figures, %d images; %d hover titles read outside pandoc",
             len(nodes["Table"]), len(nodes["Figure"]), len(nodes["Image"]), len(titles))


if __name__ == "__main__":
    main(snakemake)  # type: ignore[name-defined]  # noqa: F821
