"""QR codes as Kivy textures, made in memory (nothing written unless a receipt is saved)."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_image(text: str, box_size: int = 10) -> Any:
    """A PIL image: black modules on white with the standard quiet zone (scanners need it)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").convert("RGB")


def qr_texture(text: str) -> Any:
    from kivy.core.image import Image as CoreImage

    buf = io.BytesIO()
    qr_image(text).save(buf, format="PNG")
    buf.seek(0)
    texture = CoreImage(buf, ext="png").texture
    texture.mag_filter = "nearest"  # keep module edges sharp when scaled up
    return texture


def qr_widget(text: str, size: float = 360) -> Any:
    from kivy.uix.image import Image

    image = Image(texture=qr_texture(text), size_hint=(None, None), size=(size, size))
    image.qr_text = text  # what the code holds, for tests and read-aloud
    return image
