"""Photos of finished work: at most six, each an image of a known type and under the size limit.

The type is read from the file itself with Pillow, never trusted from the name or the browser.
Its size is read from the header before anything is decoded: a small file that would decode to
a huge picture (a decompression bomb) is refused like one too large.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.assistance.actions.base import stored_user
from linli.assistance.models import RequestPhoto, ServiceRequest

MAX_PHOTOS = 6
MAX_PIXELS = 40_000_000  # a phone's camera takes 12–50 MP; more is not a photo of work done
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def photo_content_type(upload: Any) -> str:
    """The checked MIME type of an uploaded image, or a ValidationError saying what is wrong."""
    from PIL import Image, UnidentifiedImageError  # on first upload: no process pays it sooner

    limit = settings.REQUEST_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"photos": [_("照片不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}]}
        )
    too_large = ValidationError(
        {"photos": [_("照片尺寸过大：不能超过 %(mp)s 百万像素。") % {"mp": MAX_PIXELS // 10**6}]}
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
        raise ValidationError({"photos": [_("只能上传 JPG、PNG 或 WebP 照片。")]}) from error
    finally:
        upload.seek(0)
    if kind not in FORMATS:
        raise ValidationError({"photos": [_("只能上传 JPG、PNG 或 WebP 照片。")]})
    return FORMATS[kind]


def store_photos(service_request: ServiceRequest, uploads: list[Any], *, actor: Any) -> None:
    """Check every upload first, then store them all: one bad photo stores none."""
    if not uploads:
        return
    if service_request.photos.count() + len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": [_("每张单最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}]})
    checked = [(upload, photo_content_type(upload)) for upload in uploads]
    for upload, content_type in checked:
        photo = RequestPhoto(
            request=service_request,
            content_type=content_type,
            size=upload.size,
            uploaded_by=stored_user(actor),
        )
        photo.file.save(upload.name or "photo", upload, save=False)
        photo.save()
