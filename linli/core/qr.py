"""QR codes drawn as inline SVG, for cards and check-in pages."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, title: str) -> SafeString:
    """An inline SVG QR code (no style attribute, so the CSP allows it). A viewBox and no fixed
    size, so the stylesheet sizes it and it scales rather than being cropped."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, dark="#111", light="#fff", title=title, svgclass="qr-code", omitsize=True
    )
    return mark_safe(svg)  # noqa: S308 (segno's own SVG of our URL; the title is ours)
