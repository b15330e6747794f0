"""The pandoc fallback for Quarto: resolve `include` and `var` shortcodes and number cross-references.

Quarto renders reports/paper.qmd natively. Where the Quarto CLI is absent, these pure functions turn
the same .qmd into plain pandoc Markdown: `{{< include file >}}` is replaced by the file's text,
`{{< var a.b >}}` by the value in _variables.yml, table captions `: Caption {#tbl-x}` become
`: Table N: Caption` with an anchor, figure captions `![Caption](path){#fig-x}` become
`![Figure N: Caption](path){#fig-x}`, and `@tbl-x` / `@fig-x` become links "Table N" / "Figure N".
Anything left unresolved raises, naming the shortcode or reference.

The Markdown is then parsed once, to pandoc's document tree (its JSON); the HTML, DOCX and Typst outputs are
written from that tree: `load_tree` reads it and keeps its images, tables and figures; `retarget` points the
images to stand-ins, which `put_images` replaces with the declared figures only (`figure_paths`); and
`strip_caption_numbers` gives Typst (which numbers tables and figures itself) the captions without the numbers
the other formats print.
"""
from __future__ import annotations

import base64
import functools
import html
import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Callable

SHORTCODE = re.compile(r"\{\{<\s*(include|var)\s+([^\s>]+)\s*>\}\}")
TBL_CAPTION = re.compile(r"^:[ \t]*(.+?)[ \t]*\{#(tbl-[A-Za-z0-9_-]+)\}[ \t]*$", re.M)
FIG = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)\{#(fig-[A-Za-z0-9_-]+)([^}]*)\}")
REF = re.compile(r"(?<![\w.#\\-])@((?:tbl|fig)-[A-Za-z0-9_-]+)")   # not after a backslash: "\\@tbl-x" is data


def lookup(variables: dict, key: str) -> str:
    node = variables
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{{{{< var {key} >}}}}: no such key in _variables.yml")
        node = node[part]
    return str(node)


def resolve_shortcodes(text: str, variables: dict, read: Callable[[str], str], depth: int = 0) -> str:
    if depth > 5:
        raise RecursionError("include nesting deeper than 5")

    def sub(m: re.Match) -> str:
        kind, arg = m.group(1), m.group(2)
        if kind == "var":
            return lookup(variables, arg)
        return resolve_shortcodes(read(arg), variables, read, depth + 1)

    return SHORTCODE.sub(sub, text)


def number_crossrefs(text: str, caption_numbers: bool = True) -> tuple[str, dict[str, str]]:
    """Number tables and figures in order of appearance and resolve @-references. caption_numbers=False leaves
    the captions unnumbered, for a writer that numbers tables and figures itself (Typst), in the same order."""
    labels: dict[str, str] = {}
    counters = {"tbl": 0, "fig": 0}
    events = sorted([(m.start(), "tbl", m.group(2)) for m in TBL_CAPTION.finditer(text)]
                    + [(m.start(), "fig", m.group(3)) for m in FIG.finditer(text)])
    for _, kind, label in events:
        if label in labels:
            raise ValueError(f"duplicate label #{label}")
        counters[kind] += 1
        labels[label] = f"{'Table' if kind == 'tbl' else 'Figure'} {counters[kind]}"

    # pandoc (>= 3) keeps the {#tbl-x} attribute of a caption as the table's id
    if caption_numbers:
        text = TBL_CAPTION.sub(lambda m: f": {labels[m.group(2)]}: {m.group(1)} {{#{m.group(2)}}}", text)
        text = FIG.sub(lambda m: f"![{labels[m.group(3)]}: {m.group(1)}]({m.group(2)}){{#{m.group(3)}{m.group(4)}}}",
                       text)

    def ref(m: re.Match) -> str:
        label = m.group(1)
        if label not in labels:
            raise KeyError(f"unresolved cross-reference @{label}")
        return f"[{labels[label]}](#{label})"

    return REF.sub(ref, text), labels


def paper_markdown(text: str, variables: dict, read: Callable[[str], str],
                   caption_numbers: bool = True) -> tuple[str, dict[str, str]]:
    """The whole fallback transformation: (pandoc Markdown, {label: "Table N" / "Figure N"})."""
    md = resolve_shortcodes(text, variables, read)
    md, labels = number_crossrefs(md, caption_numbers)
    left = re.search(r"\{\{<[^>]*>\}\}", md)
    if left:
        raise ValueError(f"unsupported shortcode left in the paper: {left.group(0)}")
    return md, labels


# --- pandoc's document tree (its JSON): the Markdown is parsed once and every output is written from the tree ----
def run_pandoc(text: str, source: str, target: str, cwd: Path, args: list[str], output: Path | None = None) -> str:
    """Run pypandoc's pandoc binary on `text` in folder `cwd` and return what it prints. Its own working
    directory (pypandoc.convert_text changes the whole process's directory, which two threads cannot share);
    SOURCE_DATE_EPOCH=0 fixes the timestamps a writer would take from the clock (DOCX), so that two clean builds
    give identical bytes."""
    import pypandoc

    cmd = [pypandoc.get_pandoc_path(), f"--from={source}", f"--to={target}",
           *([f"--output={output}"] if output else []), *args]
    r = subprocess.run(cmd, input=text.encode("utf-8"), cwd=cwd, capture_output=True,
                       env={**os.environ, "SOURCE_DATE_EPOCH": "0"})
    if r.returncode:
        raise RuntimeError(f"pandoc --to={target} failed ({r.returncode}): {r.stderr.decode('utf-8', 'replace')}")
    return r.stdout.decode("utf-8")


WRITER = ["--sandbox", "--toc", "--number-sections", "--mathml"]   # every writer of the fallback
# the citations were resolved by --citeproc when the tree was read: Typst gets them as text, as pandoc does for
# Markdown read with --citeproc (which turns the writer's own `citations` extension off)
TYPST_WRITER = ["--standalone", "--variable=papersize:a4", "--variable=fontsize:10pt", "--variable=margin.x:1.6cm",
                "--variable=margin.y:2cm", *WRITER]
# tables in a smaller size so that year tables fit the page width, their cells ragged right (a justified narrow
# cell spreads its words); a long table (the claims audit, the coverage
# appendix) breaks across pages instead of running off the page; Chinese quotations (claims audit) in Noto Sans CJK
# SC, the one font rule render_paper adds to Typst's own
TYPST_HEAD = ('#show table: set text(size: 7pt)\n'
              '#show table: set par(justify: false)\n'
              '#show figure.where(kind: table): set block(breakable: true)\n'
              '#set text(font: ("Libertinus Serif", "Noto Sans CJK SC"))\n')


def typst_document(markup: str) -> str:
    """pandoc's Typst (TYPST_WRITER) as the PDF is set: the page and font settings first."""
    return TYPST_HEAD + markup


# --- hover texts: pandoc reads a quoted attribute one character at a time, and the paper's 400 provenance titles
# (190 kB) cost it a second. They go to pandoc as short tokens and come back into the tree after the parse.
TITLE = re.compile(r'\]\{title="((?:[^"\\\n]|\\.)*)"\}')   # a span's hover text as corpfin.markdown.with_title writes it
ATTR_ESCAPE = re.compile(r"\\(.)")                          # pandoc reads \x in a quoted attribute as x
# ... and decodes character references (corpfin.markdown.attr_text writes them for markup starters): html.unescape
TITLE_TOKEN = "cf-title-"
PANDOC_COLUMNS = 72   # pandoc's --columns: a pipe table with a longer line gets relative column widths
TAB_STOP = 4          # pandoc's --tab-stop: a tab is read as up to this many spaces


NOT_PLAIN = re.compile(r"[^\x20-\x7e]")   # characters other than printable ASCII, which pandoc counts 1 wide


@functools.lru_cache(maxsize=None)
def _char_bounds(c: str) -> tuple[int, int]:
    """(at least, at most) the width pandoc gives one character that is not printable ASCII."""
    zero = unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf", "Cc")
    return (1 if c == "\t" or not zero else 0,
            TAB_STOP if c == "\t" else 2 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 1)


def _width_bounds(text: str) -> tuple[int, int]:
    """(at least, at most) the width pandoc measures for a line: a combining, format or control character may count
    0, a wide or ambiguous East Asian character 2 (pandoc counts CJK as 2), a tab up to TAB_STOP; printable ASCII 1."""
    special = NOT_PLAIN.findall(text)
    lo = hi = len(text) - len(special)
    for c in special:
        a, b = _char_bounds(c)
        lo += a
        hi += b
    return lo, hi


def stash_titles(md: str, columns: int = PANDOC_COLUMNS) -> tuple[str, dict[str, str]]:
    """The Markdown with each span title `]{title="..."}` replaced by a short token, and {token: the title as pandoc
    reads it} for `load_tree` to put back. pandoc's reading is kept exactly:
    - the title's value is the quoted text with its backslash escapes undone and its character references
      (`&amp;`, `&#123;`) decoded;
    - a pipe table's column widths depend on whether any of its lines is wider than `columns`, so every line stays
      on its side: a line that is narrower whatever width its characters count keeps being so (a title is replaced
      only by a token no wider than the title's narrowest reading); a line that is wider whatever they count stays
      wider (its last token is padded); a line in between keeps its titles.
    The Markdown is returned unchanged if it already holds the token prefix."""
    if TITLE_TOKEN in md or ']{title="' not in md:
        return md, {}
    titles: dict[str, str] = {}
    lines = md.split("\n")
    for i, line in enumerate(lines):
        if ']{title="' not in line:
            continue
        lo, hi = _width_bounds(line)
        if lo <= columns < hi:
            continue
        pieces, pos, last = [], 0, None
        for m in TITLE.finditer(line):
            raw = m.group(1)
            token = f"{TITLE_TOKEN}{len(titles)}"
            if len(token) > _width_bounds(raw)[0]:
                continue
            titles[token] = html.unescape(ATTR_ESCAPE.sub(r"\1", raw))
            pieces += [line[pos:m.start(1)], token]
            pos, last = m.end(1), len(pieces) - 1
        if last is None:
            continue
        new = "".join(pieces) + line[pos:]
        short = columns + 1 - _width_bounds(new)[0]
        if lo > columns and short > 0:
            padded = pieces[last] + "." * short
            titles[padded] = titles.pop(pieces[last])
            pieces[last] = padded
            new = "".join(pieces) + line[pos:]
        lines[i] = new
    return "\n".join(lines), titles


TREE_KINDS = ("Image", "Table", "Figure")


def load_tree(text: str, titles: dict[str, str] | None = None) -> tuple[dict, dict[str, list[dict]]]:
    """pandoc's JSON read once: (the tree, its Image, Table and Figure elements). The elements are the tree's own
    objects, so that changing one changes the tree. `titles` (stash_titles) go back into their spans; each must be
    found exactly once, or it raises."""
    nodes: dict[str, list[dict]] = {k: [] for k in TREE_KINDS}
    titles = titles or {}
    found: list[str] = []

    def keep(obj: dict) -> dict:
        kind = obj.get("t")
        if kind in nodes:
            nodes[kind].append(obj)
        elif kind == "Span" and titles:
            for kv in obj["c"][0][2]:
                if kv[0] == "title" and kv[1] in titles:
                    found.append(kv[1])
                    kv[1] = titles[kv[1]]
        return obj

    tree = json.loads(text, object_hook=keep)
    if len(found) != len(titles) or len(set(found)) != len(found):
        lost = sorted(set(titles) - set(found))[:3]
        raise ValueError(f"{len(titles)} span titles were sent to pandoc as tokens and {len(found)} came back as span "
                         f"titles (not found: {lost}): the paper's Markdown put a title where pandoc reads no span")
    return tree, nodes


def image_targets(images: list[dict]) -> list[str]:
    """The target (path or URL) of each Image element of `load_tree`, in document order."""
    return [image["c"][2][0] for image in images]


def figure_paths(paths: list[str], figures: dict[str, bytes]) -> list[str]:
    """The paper's image targets (image_targets), each a declared figure: an image that is not (a URL, an
    undeclared file) raises, so that the sandboxed renderer is never asked to fetch anything."""
    for path in paths:
        if path not in figures:
            raise ValueError(f"image {path!r} in the paper is not a declared figure of rule render_paper")
    return list(paths)


def retarget(images: list[dict], targets: list[str]) -> None:
    """Point each image (in place) to its new target."""
    for image, target in zip(images, targets, strict=True):
        image["c"][2][0] = target


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def stand_ins(n: int) -> list[str]:
    """n short data URIs, one per image, all of one length (no stand-in is part of another), for a writer that
    would otherwise read every byte of the figures: `put_images` puts the figures in their place afterwards."""
    return [data_uri(f"corpfin-figure-{i:06d}".encode("ascii")) for i in range(n)]


def put_images(text: str, swaps: dict[str, str], what: str = "the HTML") -> str:
    """Replace each stand-in by its figure's data URI; each must occur exactly once in `text` (`what`: which text,
    for the error)."""
    for stand_in, uri in swaps.items():
        if text.count(stand_in) != 1:
            raise ValueError(f"{what} holds the figure stand-in {stand_in!r} {text.count(stand_in)} times, not once")
        text = text.replace(stand_in, uri)
    return text


def _strip(inlines: list, label: str, where: str) -> None:
    word, number = label.split(" ")
    prefix = [{"t": "Str", "c": word}, {"t": "Space"}, {"t": "Str", "c": f"{number}:"}, {"t": "Space"}]
    if inlines[:4] != prefix:
        raise ValueError(f"{where} does not start with '{label}:' as numbered by number_crossrefs")
    del inlines[:4]


def strip_caption_numbers(nodes: dict[str, list[dict]], labels: dict[str, str]) -> None:
    """The tree of `load_tree` (in place) as pandoc parses the same paper with unnumbered captions, for a writer
    that numbers tables and figures itself (Typst): the leading "Table N:" / "Figure N:" that number_crossrefs
    put in each labelled caption, and in the description of a figure's image, is removed. A labelled caption
    that does not start with its number raises."""
    for kind in ("Table", "Figure"):
        for node in nodes[kind]:
            label = node["c"][0][0]
            if label not in labels:
                continue
            blocks = node["c"][1][1]
            if not blocks or blocks[0]["t"] not in ("Plain", "Para"):
                raise ValueError(f"#{label} has no caption text")
            _strip(blocks[0]["c"], labels[label], f"the caption of #{label}")
            if kind == "Figure":
                for image in elements_in(node["c"][2], "Image"):
                    _strip(image["c"][1], labels[label], f"the image description of #{label}")


def elements_in(node, kind: str) -> list[dict]:
    """The elements of one kind ("Image", "Span") inside a part of the tree, in document order, nested ones
    included."""
    if isinstance(node, dict):
        inner = [e for c in node.values() for e in elements_in(c, kind)]
        return [node, *inner] if node.get("t") == kind else inner
    return [e for c in node for e in elements_in(c, kind)] if isinstance(node, list) else []


# --- what a reader sees: the main text of the rendered HTML, and what must not appear in it --------------------
NOT_TEXT = re.compile(r"<(style|script|annotation|nav|title)\b[^>]*>.*?</\1>", re.S | re.I)
SNAKE_CASE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")
MISSING_WORDS = re.compile(r"\b(NaN|nan|None|null|inf)\b")
FILE_PATH = re.compile(r"[\w.-]+/[\w./-]*\.(?:csv|md|qmd|yaml|yml|py|smk|txt|png|json|log)\b"
                       r"|\b(?:data|scripts|workflow|reports|logs|tests)/[\w./-]+")


def main_text(html: str) -> str:
    """The reader's text of the paper's main part: the HTML up to the first appendix heading (the references
    included), without styles, scripts, the table of contents, math annotations or tags; entities decoded."""
    import html as _html

    body = NOT_TEXT.sub(" ", html)
    cut = re.search(r'<h1[^>]*class="[^"]*appendix|<h1[^>]*id="appendix', body)
    body = body[:cut.start()] if cut else body
    body = re.sub(r"<img\b[^>]*>", " ", body)
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def reader_violations(text: str, config_keys: set[str] = frozenset()) -> list[str]:
    """Code names, missing-value words, file paths and configuration keys in a reader's text, each with its
    context (empty when the text speaks to readers only)."""
    out = []
    for pattern, what in ((SNAKE_CASE, "code name"), (MISSING_WORDS, "missing-value word"), (FILE_PATH, "file path")):
        for m in pattern.finditer(text):
            out.append(f"{what} {m.group(0)!r}: …{text[max(0, m.start() - 60):m.end() + 40]}…")
    for key in sorted(config_keys):
        for m in re.finditer(rf"(?<![\w.]){re.escape(key)}(?![\w])", text):
            out.append(f"config key {key!r}: …{text[max(0, m.start() - 60):m.end() + 40]}…")
    return out


def config_keys(config: dict, prefix: str = "") -> set[str]:
    """Dotted paths of a configuration ('eva.method', 'wacc.beta.items'): how a key would leak into prose."""
    keys = set()
    for k, v in config.items():
        path = f"{prefix}.{k}" if prefix else str(k)
        if prefix:
            keys.add(path)
        if isinstance(v, dict):
            keys |= config_keys(v, path)
    return keys


def html_document(md: str, base: Path, css: str, figures: dict[str, bytes], title_args: list[str]) -> str:
    """A Markdown document (shortcodes already resolved) as one self-contained HTML file: every image must be a
    declared figure, put in as a data URI before pandoc runs (sandboxed); the stylesheet inlined. For documents that
    need no citations or hover titles (the supplement)."""
    def image(m: re.Match) -> str:
        path = m.group(2)
        if path not in figures:
            raise ValueError(f"image {path!r} is not a declared figure")
        return f"![{m.group(1)}]({data_uri(figures[path])})"
    md = re.sub(r"(?<!\\)!\[([^\]]*)\]\(([^)\s]+)\)", image, md)     # not an escaped "\![": that is data
    head = f"<style>\n{css}\n</style>\n"
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        header = Path(tmp) / "style.html"
        header.write_text(head, encoding="utf-8")
        return run_pandoc(md, "markdown", "html5", base, ["--standalone", f"--include-in-header={header}",
                                                          *title_args, *WRITER])
