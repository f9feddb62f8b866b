"""One form base for the whole project: every form derives from it, and labels never end in an
ASCII colon (Chinese labels carry "：" only where a page writes it, or nothing)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

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


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_label_of_any_form_ends_in_a_colon(language):
    """A label is words alone: the page adds "：" where it wants one, never the label itself."""
    with translation.override(language):
        colons = [
            f"{form.__module__}.{form.__name__}.{name}: {field.label}"
            for form in all_forms()
            for name, field in form.base_fields.items()
            if field.label and str(field.label).rstrip().endswith((":", "："))
        ]
    assert colons == []


# A Chinese character (or a closing bracket after one) followed by an ASCII colon.
CHINESE_THEN_COLON = re.compile(r"[\u4e00-\u9fff）】」][ \t]*:(?!//)")
ROOT = Path(linli.__file__).resolve().parent


def test_chinese_words_are_never_followed_by_an_ascii_colon():
    """In the catalogue and in the templates, Chinese takes "：" (or nothing), never ":"."""
    catalogue = (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    msgids = re.findall(r'^msgid "(.*)"', catalogue, re.M)
    found = [text for text in msgids if CHINESE_THEN_COLON.search(text)]
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text("utf-8").splitlines(), 1):
            if CHINESE_THEN_COLON.search(line):
                found.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_the_check_would_catch_a_colon():
    assert CHINESE_THEN_COLON.search("姓名: 王秀梅")
    assert CHINESE_THEN_COLON.search("（选填）:")
    assert not CHINESE_THEN_COLON.search("姓名：王秀梅")
    assert not CHINESE_THEN_COLON.search("网址 https://例子")
