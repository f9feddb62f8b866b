"""The font Linli's PDFs print Chinese with: 文泉驿微米黑 (WenQuanYi Micro Hei, Apache-2.0), a
TrueType font from a PyPI package the project installs (`paperang-p2-fonts-cjk`), embedded in
each PDF as a subset. It has every character the documents print — CJK, "·" in "3·5学雷锋",
"—", full-width punctuation, Latin at its normal width — so a PDF reads the same in any
reader and `pdftotext` gives its text back exactly. (ReportLab's built-in CID fonts are not
embedded, lack "·", and set Latin letters at the width of a Chinese character.)"""

from __future__ import annotations

import importlib.resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

CJK_FONT = "WenQuanYiMicroHei"


def cjk_font() -> str:
    """Register the font once per process and return its name for ReportLab styles."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        path = importlib.resources.files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"
        with importlib.resources.as_file(path) as font_file:
            pdfmetrics.registerFont(TTFont(CJK_FONT, str(font_file), subfontIndex=0))
    return CJK_FONT
