"""Transport and browser hardening, and the production settings' `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.hashers import get_hasher
from django.test import Client

from linli.accounts.models import Role
from tests.conftest import signed_in

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINLI_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "linli.settings",
            "LINLI_DATA_DIR": str(tmp_path),
            "LINLI_SECRET_KEY": "p" * 20 + "roduction-secret-key-with-plenty-of-entropy-9x!Q",
            "LINLI_ALLOWED_HOSTS": "linli.example.org",
        }
    )
    return env


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "linli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_secret_key_is_kept_in_the_data_dir_when_not_given(tmp_path):
    env = production_env(tmp_path)
    del env["LINLI_SECRET_KEY"]
    command = [sys.executable, "-c", "from linli import settings; print(settings.SECRET_KEY)"]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_passwords_are_hashed_with_argon2_in_production():
    from linli import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert get_hasher("argon2").algorithm == "argon2"


def test_pages_send_csp_and_framing_headers(world):
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_personal_pages_are_never_cached(world):
    response = signed_in(world.user(Role.RESIDENT)).get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_session_and_csrf_cookies_are_http_only(world, settings):
    from tests.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    assert client.cookies["csrftoken"]["httponly"]
    token = page.context["csrf_token"]
    client.post(
        "/accounts/login/",
        {
            "phone": world.user(Role.RESIDENT).phone,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_forms_without_csrf_token_are_refused_with_a_chinese_page(world):
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"phone": "13800000004", "password": "x"}
    )
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
