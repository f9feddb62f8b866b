"""Masks for what a public page may show of a person (SPEC §3: masked on display).

ID numbers and phones have their own masks beside their validators (`core.idcard.mask_id_number`,
`core.phone.mask_phone`); this module holds the rest.
"""

from __future__ import annotations


def mask_name(name: str) -> str:
    """`王*梅`, `王*`, `欧**娜`: the first and (for three characters or more) the last character
    stay, every one between becomes `*`; surrounding spaces are dropped. A one-character name is
    shown whole — there is nothing left to hide it behind."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
