"""QR codes drawn on the server (SVG in a data: address), so no script or CDN is involved."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    """A data: URI of an SVG QR code carrying `text`, for an <img> under a strict CSP."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg: bytes = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
