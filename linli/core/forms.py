"""The one form base of the project: labels carry no colon in either language (a Chinese label
reads "姓名", never "姓名:"; pages that want one write "：" themselves), and an action's refusal
goes back beside the field it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class BaseForm(forms.Form):
    """Every form of the project derives from this (a test checks it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def attach_errors(self, error: ValidationError | Mapping[str, list[str]]) -> None:
        """Put an action's ValidationError (or its messages by field) beside the field it names
        (on top of the form when it names none, or a field the form does not have)."""
        for name, errors in errors_by_field(error).items():
            self.add_error(name if name in self.fields else None, errors)


def errors_by_field(error: ValidationError | Mapping[str, list[str]]) -> Mapping[str, Any]:
    """An action's refusal as messages by field name (NON_FIELD_ERRORS for the whole form)."""
    if not isinstance(error, ValidationError):
        return error
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}
