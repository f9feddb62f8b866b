"""Pinyin keys for Chinese names, so `wxm` or `wangxiumei` finds 王秀梅.

pypinyin's dictionaries hold some 55 MB once loaded: they are imported on the first name keyed,
not by every process that merely imports the registry's actions.
"""


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces: 王秀梅 → ("wangxiumei", "wxm")."""
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(name, errors="ignore") if s.strip()]
    # pypinyin's FIRST_LETTER style is each plain syllable's first letter: taken from the one
    # reading rather than reading the name twice (the registry keys thousands at a time).
    initials = "".join(syllable[0] for syllable in syllables)
    return "".join(syllables).lower(), initials.lower()
