"""Linli's one settings module, driven by the environment (SPEC §6).

Everything a deployment changes is an environment variable; nothing else differs between the demo,
a station's intranet server and the test suite (whose overrides live in tests/settings.py).
"""

import os
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
# The field-encryption key lives apart from the data it protects (a copy of the data folder,
# or a backup of it, does not carry the key): by default a sibling folder `<data>-keys`.
KEY_DIR = Path(os.environ.get("LINLI_KEY_DIR") or f"{DATA_DIR}-keys").resolve()
BACKUP_DIR = Path(os.environ.get("LINLI_BACKUP_DIR") or f"{DATA_DIR}-backups").resolve()
BACKUP_KEEP = int(os.environ.get("LINLI_BACKUP_KEEP", "14"))  # nightly backups kept
BACKUP_NIGHTLY = env_bool("LINLI_BACKUP_NIGHTLY", True)
# An import's check or commit with no sign of life for this long is queued again (its worker died).
IMPORT_STALE_MINUTES = int(os.environ.get("LINLI_IMPORT_STALE_MINUTES", "15"))

DEBUG = env_bool("LINLI_DEBUG", False)
# Behind TLS (a reverse proxy on the station's intranet) unless told otherwise; `linli demo` sets
# LINLI_HTTPS=0 because it serves plain HTTP on 127.0.0.1.
HTTPS = env_bool("LINLI_HTTPS", not DEBUG)
REQUIRE_2FA = env_bool("LINLI_REQUIRE_2FA", True)
DEMO_PASSWORD = os.environ.get("LINLI_DEMO_PASSWORD") or "linli-demo"


def _secret_key() -> str:
    """LINLI_SECRET_KEY, or a random key kept in the data directory so sessions survive restarts."""
    if key := os.environ.get("LINLI_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _field_key_file() -> Path:
    """Where the generated key is kept: KEY_DIR/field_keys, or the data folder's own key file of
    an installation made before keys moved out (`linli serve` then asks for it to be moved)."""
    legacy = DATA_DIR / "field_keys"
    return legacy if legacy.exists() else KEY_DIR / "field_keys"


FIELD_KEY_FILE = _field_key_file()


def _field_keys() -> list[str]:
    """LINLI_FIELD_KEYS (newest first), or one Fernet key generated once into FIELD_KEY_FILE
    (mode 0600, in a folder of mode 0700)."""
    if keys := env_list("LINLI_FIELD_KEYS"):
        return keys
    if not FIELD_KEY_FILE.exists():
        from cryptography.fernet import Fernet

        FIELD_KEY_FILE.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(FIELD_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return [key.strip() for key in FIELD_KEY_FILE.read_text().split(",") if key.strip()]


FIELD_KEYS = _field_keys()
FIELD_KEYS_FROM_ENVIRONMENT = bool(env_list("LINLI_FIELD_KEYS"))
ALLOWED_HOSTS = env_list("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("LINLI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "django_otp",
    # Its table stays empty: authenticators are `accounts.Authenticator` (secret encrypted); the app
    # stays for the migration that moved the devices of older installations out of it.
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "linli.core",
    "linli.org",
    "linli.accounts",
    "linli.audit",
    "linli.people",
    "linli.volunteers",
    "linli.teams",
    "linli.activities",
    "linli.ledger",
    "linli.assistance",
    "linli.notifications",
    "linli.elders",
    "linli.daycare",
    "linli.health",
    "linli.canteen",
    "linli.stats",
    "linli.ops",
    "linli.studyroom",
    "linli.partners",
    "linli.reports",
    "linli.incentives",
]
# The RQ side (redis, rq: some 30 MB per process) is loaded only where REDIS_URL says it is used.
if os.environ.get("REDIS_URL"):
    INSTALLED_APPS += ["django_tasks_rq", "django_rq"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.core.middleware.RefuseNulMiddleware",
    "linli.core.middleware.ApiHeadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linli.audit.middleware.RequestContextMiddleware",
    "linli.accounts.middleware.TwoFactorEnforcementMiddleware",
    "linli.accounts.middleware.TemporaryPasswordMiddleware",
    "linli.core.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.display_preferences",
                "linli.core.context_processors.station_phone",
                "linli.accounts.context_processors.navigation",
                "linli.notifications.context_processors.unread_count",
            ],
            "builtins": ["linli.core.templatetags.dates"],
        },
    }
]

# --- database: embedded SQLite by default, PostgreSQL (pooled) when DATABASE_URL is set ----------
if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=0)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("LINLI_DB_POOL_MAX", "10")),
        "timeout": 10,
    }
else:
    _sqlite_file = DATA_DIR / "linli.sqlite3"
    if not _sqlite_file.exists():  # created 0600 here; SQLite gives its -wal file the same mode
        os.close(os.open(_sqlite_file, os.O_WRONLY | os.O_CREAT, 0o600))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_file),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one of
                # them failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and background tasks: Redis when REDIS_URL is set, otherwise no extra server ----------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "linli",
        }
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    RQ_QUEUES = {}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- accounts and authentication ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts before any check
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("phone", "name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Rate limits (linli/core/throttle.py), per client address (generous: a station's desks share one
# public address) and per phone number (strict). "20/m" is twenty a minute, "5/15m" five in a
# quarter of an hour; each is a setting LINLI_RATE_<NAME>, e.g. LINLI_RATE_SIGNIN_ADDRESS=40/m.
LINLI_RATE_DEFAULTS = {
    "signin_address": "20/m",  # sign-in page and POST /auth/token
    "signin_phone": "10/15m",
    "register_address": "30/h",  # volunteer registration, page and API
    "register_phone": "3/h",
    "password_address": "10/h",  # changing one's password (checks the old one)
    "password_phone": "5/h",
    "lookup_address": "60/m",  # certificate verification and other public look-ups
}
LINLI_RATES = {
    name: os.environ.get(f"LINLI_RATE_{name.upper()}", default)
    for name, default in LINLI_RATE_DEFAULTS.items()
}

# Login throttling: five wrong passwords are forgiven, the sixth locks the phone number for a while.
AXES_FAILURE_LIMIT = 6
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LINLI_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = (
    "username"  # authenticate(username=phone, ...), whatever the form calls it
)
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "linli.accounts.lockout.axes_username"
AXES_ENABLE_ADMIN = False
# The lock-out tables keep no typed phone number and no record of who signed in: axes writes the
# form it was sent into each failed attempt, so every field of the sign-in forms is masked (the
# name counted is already a keyed hash, `AXES_USERNAME_CALLABLE`), and its log of successful
# sign-ins, which would name the account, is off (the audit log records sign-ins).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "phone",
    "password",
    "otp",
    "code",
    "next",
    "csrfmiddlewaretoken",
    "ip_address",
]
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# The login page and the token endpoint answer a lock-out themselves (a page, or the API's JSON
# error); AxesMiddleware would overwrite both with one template, so it is left out on purpose.
# Lock-out is by phone number only: a station's desks share one public address, and locking that
# address would lock every colleague out because of one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W006"]

OTP_TOTP_ISSUER = "邻里 Linli"
API_TOKEN_DAYS = int(os.environ.get("LINLI_API_TOKEN_DAYS", "30"))
# SPEC §3: star levels by cumulative verified hours (1★ … 5★), and how served time is rounded.
STAR_THRESHOLDS = [int(h) for h in env_list("LINLI_STAR_THRESHOLDS", "100,300,600,1000,1500")]
HOURS_ROUNDING = os.environ.get(
    "LINLI_HOURS_ROUNDING", "floor_half"
)  # floor_half | nearest_half | tenth
VERIFY_WITHIN_WORKING_DAYS = int(os.environ.get("LINLI_VERIFY_WITHIN_WORKING_DAYS", "10"))
# SPEC §3/§7.1: the time bank's cap per account, how long a 爱心超市 reservation is held, and the
# 公示 of an honour.
TIMEBANK_CAP_HOURS = int(os.environ.get("LINLI_TIMEBANK_CAP_HOURS", "1500"))
SHOP_RESERVATION_DAYS = int(os.environ.get("LINLI_SHOP_RESERVATION_DAYS", "7"))
HONOUR_NOTICE_DAYS = int(os.environ.get("LINLI_HONOUR_NOTICE_DAYS", "7"))
AUDIT_RETENTION_DAYS = int(os.environ.get("LINLI_AUDIT_RETENTION_DAYS", "1095"))

# --- service requests (SPEC §4) and notifications -------------------------------------------------
# A dispatched request nobody has accepted after this long is escalated (urgent ones after half).
REQUEST_ACCEPT_WITHIN_MINUTES = int(os.environ.get("LINLI_REQUEST_ACCEPT_WITHIN_MINUTES", "120"))
# A completed request still unrated after this many days sends the requester a reminder.
REQUEST_RATING_REMINDER_DAYS = int(os.environ.get("LINLI_REQUEST_RATING_REMINDER_DAYS", "3"))
# SPEC §3: a rating of 2 or less opens a follow-up that staff close within this many working days.
FOLLOWUP_WORKING_DAYS = int(os.environ.get("LINLI_FOLLOWUP_WORKING_DAYS", "15"))
REQUEST_PHOTO_MAX_BYTES = int(os.environ.get("LINLI_REQUEST_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
# The service time a volunteer's meal delivery (送餐上门) puts in the ledger, in hours.
CANTEEN_DELIVERY_HOURS = Decimal(os.environ.get("LINLI_CANTEEN_DELIVERY_HOURS", "0.5"))
# Outgoing channels. SMS goes to an HTTP gateway (JSON POST) when LINLI_SMS_URL is set; e-mail
# through Django's SMTP settings when LINLI_EMAIL_HOST is set, else it is written to the log.
SMS_GATEWAY_URL = os.environ.get("LINLI_SMS_URL", "")
# The hosts (and their subdomains) a station's webhook may point at: on a shared deployment a
# webhook aimed at an internal address would make the server call it (SSRF). The SMS gateway's
# own host (LINLI_SMS_URL, set by the operator) is allowed as well.
OUTBOUND_HOSTS = env_list("LINLI_OUTBOUND_HOSTS", "qyapi.weixin.qq.com")
SMS_GATEWAY_TOKEN = os.environ.get("LINLI_SMS_TOKEN", "")
# Whom a resident calls (shown on the sign-in page and the public 点单 form), e.g. 0555-1234567.
STATION_PHONE = os.environ.get("LINLI_STATION_PHONE", "")[:30]
EMAIL_HOST = os.environ.get("LINLI_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("LINLI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LINLI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LINLI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("LINLI_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("LINLI_EMAIL_FROM", "linli@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Delivery attempts before a notification is marked failed; waits grow 1, 2, 4, 8 … minutes.
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("LINLI_NOTIFY_MAX_ATTEMPTS", "6"))
NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("LINLI_NOTIFY_RETRY_BASE_SECONDS", "60"))
# A receiver slower than this counts as a failed attempt (retried later); sending never waits longer.
NOTIFY_TIMEOUT_SECONDS = float(os.environ.get("LINLI_NOTIFY_TIMEOUT_SECONDS", "5"))

# --- sessions, cookies, transport security --------------------------------------------------------
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("LINLI_MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = "/media/"
# Uploaded files (request photos, import sheets) on S3-compatible object storage (MinIO, OSS, COS,
# S3) when a bucket is named, so any web process or worker on any machine reads what another
# stored; otherwise under MEDIA_ROOT, which several machines share as one mounted volume.
# Needs the `s3` extra (`uv sync --extra s3`: django-storages with boto3). Files are private:
# they are served only through the pages that check who asks, never by the bucket itself.
if S3_BUCKET := os.environ.get("LINLI_S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("LINLI_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("LINLI_S3_REGION") or None,
            "access_key": os.environ.get("LINLI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("LINLI_S3_SECRET_KEY") or None,
            "location": os.environ.get("LINLI_S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Uploads (photos of work, import sheets) are personal data: readable by the site's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- API --------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "linli.core.views.csrf_failure"
