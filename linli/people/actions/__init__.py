"""Every write to the registry: residents, households, consent, and reads of sensitive fields.

One check (`resident_check`) stands behind the form, the API, the xlsx import and the demo seed,
so a row refused by one is refused by all with the same Chinese message.
"""

from linli.people.actions.accounts import (
    resident_link_account,
    resident_sign_up,
    resident_unlink_account,
)
from linli.people.actions.checks import (
    CONSENT_TEXT_VERSION,
    AddressBook,
    AddressInput,
    CheckedResident,
    ConsentInput,
    ResidentInput,
    normalize_address,
    registered_hashes,
    resident_check,
)
from linli.people.actions.residents import (
    UPDATABLE,
    consent_record,
    consent_withdraw,
    has_sensitive_consent,
    household_at,
    resident_card_reissue,
    resident_create,
    resident_update,
    residents_bulk_create,
)
from linli.people.actions.sensitive import (
    resident_reveal_id_number,
    resident_reveal_sensitive,
    residents_rotate_keys,
)

__all__ = [
    "AddressBook",
    "AddressInput",
    "CONSENT_TEXT_VERSION",
    "CheckedResident",
    "ConsentInput",
    "ResidentInput",
    "UPDATABLE",
    "consent_record",
    "consent_withdraw",
    "has_sensitive_consent",
    "household_at",
    "normalize_address",
    "resident_card_reissue",
    "registered_hashes",
    "resident_check",
    "resident_create",
    "resident_link_account",
    "resident_reveal_id_number",
    "resident_reveal_sensitive",
    "resident_sign_up",
    "resident_unlink_account",
    "resident_update",
    "residents_bulk_create",
    "residents_rotate_keys",
]
