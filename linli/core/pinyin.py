"""Pinyin keys for Chinese names, so `wxm` or `wangxiumei` finds 王秀梅."""

from pypinyin import Style, lazy_pinyin


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: 王秀梅 → ("wangxiumei", "wxm")."""
    syllables = [s for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    full = "".join(syllables).lower()
    initials = "".join(
        s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s
    )
    return full, initials.lower()
