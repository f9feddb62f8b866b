"""Encrypted fields under key rotation: add a key in front, re-encrypt, drop the old key."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import Client

from linli.accounts.models import Authenticator, Role
from linli.core import crypto
from linli.people.models import Resident
from tests.conftest import WANG_ID, signed_in


@pytest.fixture
def keys(settings):
    original = list(settings.FIELD_KEYS)

    def use(new_keys):
        settings.FIELD_KEYS = new_keys
        crypto.reset_key_cache()

    yield original, use
    settings.FIELD_KEYS = original
    crypto.reset_key_cache()


def search(client: Client, query: str) -> str:
    return client.get("/residents/", {"q": query}).content.decode()


def test_rotation_re_encrypts_and_lookups_work_throughout(registry, world, keys):
    original, use = keys
    client = signed_in(world.user(Role.STATION_STAFF))
    new_key = Fernet.generate_key().decode()

    use([new_key, *original])  # the new key in front, the old one still there
    assert "王秀梅" in search(client, WANG_ID)  # found under the old key's hash mid-rotation
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "完成" in out.getvalue()

    use([new_key])  # the old key is gone
    wang = Resident.objects.get(pk=registry.wang.pk)
    assert crypto.decrypt(wang.id_number_cipher) == WANG_ID
    assert "肢体" in crypto.decrypt(wang.sensitive_cipher)
    assert "王秀梅" in search(client, WANG_ID)
    # The staff member's authenticator secret was re-encrypted too.
    device = Authenticator.objects.get(user=world.user(Role.STATION_STAFF))
    assert len(device.bin_key) == 20


def test_without_rotation_an_old_key_cannot_be_dropped(registry, keys):
    original, use = keys
    use([Fernet.generate_key().decode()])
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(Resident.objects.get(pk=registry.wang.pk).id_number_cipher)
