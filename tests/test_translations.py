"""The English catalogue is complete and its compiled .mo matches the .po it came from."""

import gettext
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "linli" / "locale" / "en" / "LC_MESSAGES"
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)


def unquote(lines: str) -> str:
    return "".join(
        bytes(line.strip()[1:-1], "utf-8")
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
        for line in lines.splitlines()
    )


def entries() -> dict[str, str]:
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8") + "\n"
    return {unquote(m.group(1)): unquote(m.group(2)) for m in ENTRY.finditer(text)}


def test_every_message_is_translated_and_none_is_fuzzy():
    messages = {msgid: msgstr for msgid, msgstr in entries().items() if msgid}
    assert len(messages) > 100
    untranslated = [msgid for msgid, msgstr in messages.items() if not msgstr]
    assert untranslated == []
    body = (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert "#, fuzzy" not in body


def test_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr in entries().items():
        if msgid:
            assert compiled.gettext(msgid) == msgstr, msgid
