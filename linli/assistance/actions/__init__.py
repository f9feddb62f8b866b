"""Every write to the service menu and to service requests."""

from linli.assistance.actions.menu import (
    MenuItemInput,
    menu_category_save,
    menu_item_save,
)
from linli.assistance.actions.outcomes import (
    followup_close,
    request_cancel,
    request_rate,
    request_reject,
    request_reopen,
)
from linli.assistance.actions.requests import (
    RequestInput,
    request_accept,
    request_add_photos,
    request_classify,
    request_complete,
    request_confirm_hours,
    request_dispatch,
    request_start,
    request_submit,
    request_submit_public,
)

__all__ = [
    "MenuItemInput",
    "RequestInput",
    "followup_close",
    "menu_category_save",
    "menu_item_save",
    "request_accept",
    "request_add_photos",
    "request_cancel",
    "request_classify",
    "request_complete",
    "request_confirm_hours",
    "request_dispatch",
    "request_rate",
    "request_reject",
    "request_reopen",
    "request_start",
    "request_submit",
    "request_submit_public",
]
