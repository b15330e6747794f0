"""The pandoc fallback's Markdown transformation (shortcodes and cross-references)."""
import pytest

from xpm.render import lookup, qmd_to_markdown

FILES = {"tables/t.md": "Source: rule `x`.\n\n|a|b|\n|-|-|\n|1|2|\n", "nested.md": "{{< include tables/t.md >}}"}


def render(text, variables=None):
    return qmd_to_markdown(text, variables or {"rev": {"fy2024": "365,906.4"}, "n": "3"}, FILES.__getitem__)


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
