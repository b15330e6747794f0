"""The pandoc fallback: its Markdown transformation (shortcodes, cross-references) and its document tree (one parse
for HTML, DOCX and Typst)."""
import pytest

from xpm.render import lookup, paper_markdown

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
    from xpm.render import load_tree, strip_caption_numbers

    numbered, labels = paper_markdown(PAPER, {}, FILES.__getitem__)
    assert labels == {"tbl-a": "Table 1", "fig-x": "Figure 1"}
    tree, nodes = load_tree(parse(numbered))
    assert len(nodes["Table"]) == 2 and len(nodes["Figure"]) == 1 and len(nodes["Image"]) == 1
    strip_caption_numbers(nodes, labels)
    unnumbered, _ = paper_markdown(PAPER, {}, FILES.__getitem__, caption_numbers=False)
    assert tree == load_tree(parse(unnumbered))[0]


def test_a_caption_without_its_number_raises():
    from xpm.render import load_tree, strip_caption_numbers

    unnumbered, labels = paper_markdown(PAPER, {}, FILES.__getitem__, caption_numbers=False)
    _, nodes = load_tree(parse(unnumbered))
    with pytest.raises(ValueError, match=r"the caption of #tbl-a does not start with 'Table 1:'"):
        strip_caption_numbers(nodes, labels)


def test_images_are_declared_figures_and_stand_ins_are_put_back_once():
    from xpm.render import data_uri, figure_paths, load_tree, put_images, retarget, stand_ins

    _, nodes = load_tree(parse("![a](figures/x.png)\n\n![b](https://example.org/y.png)\n"))
    with pytest.raises(ValueError, match=r"'https://example.org/y.png' in the paper is not a declared figure"):
        figure_paths(nodes["Image"], {"figures/x.png": b"png"})
    assert figure_paths(nodes["Image"][:1], {"figures/x.png": b"png"}) == ["figures/x.png"]
    short = stand_ins(12)
    assert len(set(map(len, short))) == 1 and not any(a in b for a in short for b in short if a != b)
    assert data_uri(b"png") == "data:image/png;base64,cG5n"
    retarget(nodes["Image"], short[:2])
    assert [n["c"][2][0] for n in nodes["Image"]] == short[:2]
    html = f'<img src="{short[0]}" /><img src="{short[1]}" />'
    assert put_images(html, {short[0]: "data:A", short[1]: "data:B"}) == '<img src="data:A" /><img src="data:B" />'
    with pytest.raises(ValueError, match=r"2 times, not once"):
        put_images(html + html, {short[0]: "data:A"})
