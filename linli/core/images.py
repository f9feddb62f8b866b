"""Uploaded pictures (photos of finished work, of the 爱心超市's goods): an image of a known type,
under the size limit and the pixel limit, or a ValidationError on the form's field.

The type is read from the file itself with Pillow, never trusted from the name or the browser.
Its size is read from the header before anything is decoded: a small file that would decode to
a huge picture (a decompression bomb) is refused like one too large.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PIXELS = 40_000_000  # a phone's camera takes 12–50 MP; more is not a photo
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def image_content_type(upload: Any, *, field: str) -> str:
    """The checked MIME type of an uploaded image, or a ValidationError on `field` saying what
    is wrong."""
    from PIL import Image, UnidentifiedImageError  # on first upload: no process pays it sooner

    limit = settings.REQUEST_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: [_("照片不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}]}
        )
    too_large = ValidationError(
        {field: [_("照片尺寸过大：不能超过 %(mp)s 百万像素。") % {"mp": MAX_PIXELS // 10**6}]}
    )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format or ""
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_large
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError({field: [_("只能上传 JPG、PNG 或 WebP 照片。")]}) from error
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise ValidationError({field: [_("只能上传 JPG、PNG 或 WebP 照片。")]})
    return FORMATS[kind]
