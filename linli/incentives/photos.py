"""An item's photo of the 爱心超市 as a file, for the pages and the API alike."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404

from linli.core.images import EXTENSIONS
from linli.incentives.models import ShopItem


def item_photo_response(item: ShopItem) -> FileResponse:
    """The item's photo (checked when stored; its name carries the checked type), or 404."""
    content_type = mimetypes.guess_type(item.photo.name or "")[0] if item.photo else None
    if content_type not in EXTENSIONS:
        raise Http404("photo")
    response = FileResponse(item.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
