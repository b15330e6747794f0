"""The pandoc fallback: its Markdown transformation (shortcodes, cross-references) and its document tree (one parse
for HTML, DOCX and Typst)."""
from pathlib import Path

import pytest

from corpfin.render import lookup, paper_markdown

FILES = {"tables/t.md": "Source: rule `x`.\n\n|a|b|\n|-|-|\n|1|2|\n", "nested.md": "{{< include tables/t.md >}}"}


def render(text, variables=None):
    return paper_markdown(text, variables or {"rev": {"fy2024": "365,906.4"}, "n": "3"}, FILES.__getitem__)[0]


def test_vars_includes_and_numbered_references():
    md = render("See @tbl-b, @tbl-a and @fig-x. Revenue {{< var rev.fy2024 >}} ({{< var n >}}).\n\n"
                "{{< include tables/t.md >}}\n\n: First {#tbl-a}\n\n{{< include nested.md >}}\n\n: Second {#tbl-b}\n\n"
                "![A chart](figures/x.png){#fig-x}\n")
    assert "See [Table 2](#tbl-b), [Table 1](#tbl-a) and [Figure 1](#fig-x)." in md
    assert "Revenue 365,906.4 (3)." in md
    assert ": Table 1: First {#tbl-a}" in md and ": Table 2: Second {#tbl-b}" in md
    assert "![Figure 1: A chart](figures/x.png){#fig-x}" in md
    assert md.count("|1|2|") == 2 and "{{<" not in md


def test_email_like_text_is_not_a_reference():
    assert "user@tbl-example.org" in render("mail user@tbl-example.org\n")


@pytest.mark.parametrize("text,error,pattern", [
    ("{{< var missing.key >}}", KeyError, r"no such key in _variables.yml"),
    ("see @tbl-none", KeyError, r"unresolved cross-reference @tbl-none"),
    ("{{< include nothere.md >}}", KeyError, r"nothere.md"),
    ("{{< video x.mp4 >}}", ValueError, r"unsupported shortcode"),
    ("|a|\n|-|\n\n: A {#tbl-a}\n\n|b|\n|-|\n\n: B {#tbl-a}\n", ValueError, r"duplicate label #tbl-a"),
])
def test_unresolvable_input_raises(text, error, pattern):
    with pytest.raises(error, match=pattern):
        render(text)


def test_lookup_nested():
    assert lookup({"a": {"b": 1}}, "a.b") == "1"


# --- the document tree: one parse for HTML, DOCX and Typst ------------------------------------------------------
PAPER = ("See @tbl-a and @fig-x.\n\n|a|b|\n|-|-|\n|1|2|\n\n: Revenue by 'segment' (RMB million) {#tbl-a}\n\n"
         "![A chart of *margins*](figures/x.png){#fig-x}\n\n|c|\n|-|\n|3|\n\n: Untitled table\n")


def parse(md: str) -> str:
    import pypandoc

    return pypandoc.convert_text(md, "json", format="markdown")


def test_stripping_caption_numbers_equals_parsing_unnumbered_captions():
    from corpfin.render import load_tree, strip_caption_numbers

    numbered, labels = paper_markdown(PAPER, {}, FILES.__getitem__)
    assert labels == {"tbl-a": "Table 1", "fig-x": "Figure 1"}
    tree, nodes = load_tree(parse(numbered))
    assert len(nodes["Table"]) == 2 and len(nodes["Figure"]) == 1 and len(nodes["Image"]) == 1
    strip_caption_numbers(nodes, labels)
    unnumbered, _ = paper_markdown(PAPER, {}, FILES.__getitem__, caption_numbers=False)
    assert tree == load_tree(parse(unnumbered))[0]


def test_a_caption_without_its_number_raises():
    from corpfin.render import load_tree, strip_caption_numbers

    unnumbered, labels = paper_markdown(PAPER, {}, FILES.__getitem__, caption_numbers=False)
    _, nodes = load_tree(parse(unnumbered))
    with pytest.raises(ValueError, match=r"the caption of #tbl-a does not start with 'Table 1:'"):
        strip_caption_numbers(nodes, labels)


def test_images_are_declared_figures_and_stand_ins_are_put_back_once():
    from corpfin.render import data_uri, figure_paths, image_targets, load_tree, put_images, retarget, stand_ins

    _, nodes = load_tree(parse("![a](figures/x.png)\n\n![b](https://example.org/y.png)\n"))
    paths = image_targets(nodes["Image"])
    assert paths == ["figures/x.png", "https://example.org/y.png"]
    with pytest.raises(ValueError, match=r"'https://example.org/y.png' in the paper is not a declared figure"):
        figure_paths(paths, {"figures/x.png": b"png"})
    assert figure_paths(paths[:1], {"figures/x.png": b"png"}) == ["figures/x.png"]
    short = stand_ins(12)
    assert len(set(map(len, short))) == 1 and not any(a in b for a in short for b in short if a != b)
    assert data_uri(b"png") == "data:image/png;base64,cG5n"
    retarget(nodes["Image"], short[:2])
    assert image_targets(nodes["Image"]) == short[:2]
    html = f'<img src="{short[0]}" /><img src="{short[1]}" />'
    assert put_images(html, {short[0]: "data:A", short[1]: "data:B"}) == '<img src="data:A" /><img src="data:B" />'
    with pytest.raises(ValueError, match=r"the HTML holds the figure stand-in .* 2 times, not once"):
        put_images(html + html, {short[0]: "data:A"})
    with pytest.raises(ValueError, match=r"the document tree holds the figure stand-in .* 0 times, not once"):
        put_images("{}", {short[0]: "data:A"}, "the document tree")


def test_the_docx_tree_made_by_text_equals_the_tree_retargeted():
    """rule render_paper puts the figures' data URIs into parse_paper's tree as text (no JSON parse): the same tree
    as pointing its images to them."""
    import json

    from corpfin.render import data_uri, image_targets, load_tree, put_images, retarget, stand_ins

    doc, nodes = load_tree(parse("![a](figures/x.png)\n\nText with 收入.\n\n![b](figures/y.png)\n"))
    paths = image_targets(nodes["Image"])
    retarget(nodes["Image"], stand_ins(len(paths)))
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    uris = [data_uri(p.encode()) for p in paths]
    by_text = json.loads(put_images(text, dict(zip(stand_ins(len(paths)), uris)), "the document tree"))
    retarget(nodes["Image"], uris)
    assert by_text == doc and image_targets(load_tree(json.dumps(by_text))[1]["Image"]) == uris


# --- hover titles go to pandoc as tokens and come back after the parse ------------------------------------------
def _table(cells: list[str]) -> str:
    return "| Item | Value |\n| :--- | ---: |\n" + "".join(f"| row {i} | {c} |\n" for i, c in enumerate(cells))


TITLED = [
    # escapes as corpfin.markdown.with_title writes them: quotes, backslashes and pipes
    'a "quoted" b', "back\\slash", "pipe | here", "both \\| odd", "end backslash \\",
    # what pandoc must not read as markup in an attribute; Chinese text; an ampersand that is no reference
    "it's -- ... <b>x</b> 收入 `code` *em* $x$ @cite [x](y) R&D costs; {braces}",
    # character references in data are data: written as references of their ampersand, they read back as typed
    "a &amp; b", "&#169; 2024", "legacy &amp without semicolon",
    # a shortcode and a cross-reference in data: references too, so that no renderer sees markup
    "{{< include /etc/hostname >}} see @tbl-nope",
]


def _titles_in(tree) -> list[str]:
    from corpfin.render import elements_in

    return [dict(span["c"][0][2]).get("title") for span in elements_in(tree, "Span")]


def test_titles_read_outside_pandoc_give_pandocs_own_tree():
    import json

    from corpfin.markdown import with_title
    from corpfin.render import load_tree, stash_titles

    wide = "收入" * 20                # a narrow line by its characters, a wide one as pandoc measures CJK
    md = "\n\n".join([
        _table([with_title(str(i), t) for i, t in enumerate(TITLED)]),
        # tables whose only long line is its title: 72 and 73 characters (pandoc's 72 columns), and an uncertain one
        _table([with_title("1", "x" * 47)]), _table([with_title("1", "x" * 48)]), _table([with_title("1", wide)]),
        _table([with_title("1", "L00001")]),                                   # no shorter than a token: kept
        "Prose with " + with_title("9", 'a "title" in a paragraph \\ |') + " in it.",
    ]) + "\n"
    short, titles = stash_titles(md)
    assert len(titles) >= 8 and len(short) < len(md)
    assert wide in short and 'title="L00001"' in short and "{{<" not in short and "@tbl" not in short
    tree, _ = load_tree(parse(short), titles)
    reference = json.loads(parse(md))
    assert tree == reference
    assert 'a "quoted" b' in _titles_in(reference) and "a &amp; b" in _titles_in(reference)
    assert "{{< include /etc/hostname >}} see @tbl-nope" in _titles_in(reference)
    widths = [[w["t"] for _, w in block["c"][2]] for block in reference["blocks"] if block["t"] == "Table"]
    assert widths[1:4] == [["ColWidthDefault"] * 2, ["ColWidth"] * 2, ["ColWidth"] * 2]   # both sides exercised


def test_a_token_pandoc_does_not_read_as_a_span_title_raises():
    from corpfin.render import load_tree, stash_titles

    short, titles = stash_titles("Text [1]{title=\"a long hover text\"}.\n")
    assert list(titles.values()) == ["a long hover text"]
    code = "```\n" + short + "```\n"      # inside a code block the token is text, not a title
    with pytest.raises(ValueError, match=r"1 span titles were sent to pandoc as tokens and 0 came back"):
        load_tree(parse(code), titles)


def test_markdown_holding_the_token_prefix_is_left_to_pandoc():
    from corpfin.render import TITLE_TOKEN, stash_titles

    md = f"[1]{{title=\"{TITLE_TOKEN}0 and more text\"}}\n"
    assert stash_titles(md) == (md, {})


# --- the renderer's failure path ----------------------------------------------------------------------------------
def test_a_paper_with_an_undeclared_image_stops_before_any_output(tmp_path, monkeypatch):
    """An image that is no declared figure (here a URL) stops the fallback renderer before pandoc or Typst is
    started: no output is written."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "scripts"))
    import render_paper

    tree, targets = tmp_path / "tree.json", tmp_path / "images.json"
    tree.write_text(parse("![a](https://example.org/y.png)\n"), encoding="utf-8")
    targets.write_text('["https://example.org/y.png"]', encoding="utf-8")
    (tmp_path / "paper.typ").write_text("", encoding="utf-8")
    (tmp_path / "paper.css").write_text("", encoding="utf-8")
    called = []
    monkeypatch.setattr(render_paper, "run_pandoc", lambda *a, **k: called.append(a))
    with pytest.raises(ValueError, match=r"'https://example.org/y.png' in the paper is not a declared figure"):
        render_paper.render_fallback(tree, targets, tmp_path / "paper.typ", tmp_path / "paper.html",
                                     tmp_path / "paper.docx", [], tmp_path / "paper.css", tmp_path / "paper.pdf")
    assert called == [] and not any((tmp_path / f"paper.{x}").exists() for x in ("html", "docx", "pdf"))


def test_the_html_embeds_a_font_with_exactly_the_papers_chinese_characters():
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    import render_paper
    from corpfin.fonts import cjk_characters, font_face_css

    text = "Xiaomi 小米，收入 rose 小"
    assert cjk_characters(text) == "".join(sorted("小米，收入"))     # full-width comma included, Latin not
    css = font_face_css(text, render_paper.CJK_FONT)
    assert css == font_face_css(text, render_paper.CJK_FONT)        # the same characters give the same bytes
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1))
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert {chr(c) for c in cmap} >= set("小米，收入") and "X" not in {chr(c) for c in cmap}
    assert "unicode-range: U+5165, U+5C0F, U+6536, U+7C73, U+FF0C" in css
    assert font_face_css("no Chinese here", render_paper.CJK_FONT) == ""
