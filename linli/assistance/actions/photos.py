"""Photos of finished work: at most six, each an image of a known type and under the size and
pixel limits (`linli.core.images`, which reads the type from the file itself)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.assistance.actions.base import stored_user
from linli.assistance.models import RequestPhoto, ServiceRequest
from linli.core.images import image_content_type

MAX_PHOTOS = 6


def photo_content_type(upload: Any) -> str:
    """The checked MIME type of an uploaded photo of work, or a ValidationError on `photos`."""
    return image_content_type(upload, field="photos")


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
