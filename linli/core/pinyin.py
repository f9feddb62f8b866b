"""Pinyin keys for Chinese names, so `wxm` or `wangxiumei` finds 王秀梅.

pypinyin's dictionaries hold some 55 MB once loaded: they are imported on the first name keyed,
not by every process that merely imports the registry's actions.
"""


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: 王秀梅 → ("wangxiumei", "wxm")."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    full = "".join(syllables).lower()
    initials = "".join(
        s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s
    )
    return full, initials.lower()
