"""Test overrides on top of linli.settings: a throwaway data directory and fast, local services."""

import os
import tempfile

os.environ.setdefault("LINLI_DATA_DIR", tempfile.mkdtemp(prefix="linli-test-"))
os.environ.setdefault("LINLI_SECRET_KEY", "test-secret-key-" + "x" * 40)
os.environ.setdefault("LINLI_HTTPS", "0")
os.environ.setdefault("LINLI_REQUIRE_2FA", "1")
# The unit suite keeps its queue in the test database unless a test asks for Redis on purpose.
os.environ.pop("REDIS_URL", None)

from linli.settings import *  # noqa: E402, F403

# argon2 is the production hasher (tests/test_passwords.py checks it); the suite hashes faster.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The notification tests' receivers are local HTTP servers (tests/test_notification_delivery.py).
OUTBOUND_HOSTS = ["qyapi.weixin.qq.com", "127.0.0.1"]
