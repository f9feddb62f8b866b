"""One form base for the whole project: every form derives from it, and labels never end in an
ASCII colon (Chinese labels carry "：" only where a page writes it, or nothing)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms
from django.utils import translation

import linli
from linli.core.forms import BaseForm


def all_forms() -> list[type[forms.Form]]:
    for module in pkgutil.walk_packages(linli.__path__, "linli."):
        if ".migrations" in module.name or module.name.endswith(("__main__", "wsgi")):
            continue
        if any(part in module.name for part in (".demo", ".management")):
            continue
        importlib.import_module(module.name)
    found, stack = [], [forms.Form]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("linli."):
                found.append(sub)
    return found


def test_every_form_of_the_project_derives_from_the_one_base():
    strays = [
        f"{form.__module__}.{form.__name__}"
        for form in all_forms()
        if not issubclass(form, BaseForm)
    ]
    assert strays == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_have_no_ascii_colon(language):
    class Sample(BaseForm):
        name = forms.CharField(label="姓名")

    with translation.override(language):
        tag = Sample()["name"].label_tag()
    assert ":" not in tag and "姓名</label>" in tag
