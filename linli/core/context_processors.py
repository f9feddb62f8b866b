from typing import Any

from django.conf import settings
from django.http import HttpRequest

LARGE_TYPE_COOKIE = "linli_large"
CONTRAST_COOKIE = "linli_contrast"


def display_preferences(request: HttpRequest) -> dict[str, Any]:
    """Large type and high contrast, chosen per browser, so they work before signing in too."""
    return {
        "large_type": request.COOKIES.get(LARGE_TYPE_COOKIE) == "1",
        "high_contrast": request.COOKIES.get(CONTRAST_COOKIE) == "1",
    }


def station_phone(request: HttpRequest) -> dict[str, Any]:
    """The station's phone (LINLI_STATION_PHONE) that public pages give as whom to call."""
    return {"station_phone": settings.STATION_PHONE}
