"""The Chinese glyphs of the HTML paper: a subset of Noto Sans CJK SC with exactly the characters the paper uses,
embedded as a data URI, so that the claims' Chinese wording shows on any machine, not only where a CJK font is
installed (the PDF embeds its fonts through Typst; the DOCX leaves fonts to the reader's word processor).

The subset is made by fontTools (a dependency of matplotlib) without timestamps, so the same characters give the
same bytes. The font face covers only East Asian wide and full-width characters (`unicode-range`): every other
character keeps the browser's serif font.
"""
from __future__ import annotations

import base64
import io
import unicodedata
from pathlib import Path

FAMILY = "Paper CJK"


def cjk_characters(text: str) -> str:
    """The distinct wide and full-width characters of `text` (Chinese characters and punctuation), in code order."""
    return "".join(sorted({c for c in text if unicodedata.east_asian_width(c) in ("W", "F")}))


def _ranges(chars: str) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars)


def font_face_css(text: str, font: Path) -> str:
    """CSS that embeds the subset of `font` for the CJK characters of `text` and puts it first in the body's font
    list ('' when the text has none)."""
    chars = cjk_characters(text)
    if not chars:
        return ""
    from fontTools import subset

    options = subset.Options()
    options.recalc_timestamp = False
    face = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(face)
    buf = io.BytesIO()
    subset.save_font(face, buf, options)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; src: url(data:font/otf;base64,{data}) format("opentype"); '
            f"unicode-range: {_ranges(chars)}; }}\n"
            f'body {{ font-family: "{FAMILY}", serif; }}\n')
