from typing import Any

from django.http import HttpRequest

LARGE_TYPE_COOKIE = "linli_large"
CONTRAST_COOKIE = "linli_contrast"


def display_preferences(request: HttpRequest) -> dict[str, Any]:
    """Large type and high contrast, chosen per browser, so they work before signing in too."""
    return {
        "large_type": request.COOKIES.get(LARGE_TYPE_COOKIE) == "1",
        "high_contrast": request.COOKIES.get(CONTRAST_COOKIE) == "1",
    }
