"""The scale-out path: with REDIS_URL set, tasks go to Redis and a separate RQ worker runs them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}")


def linli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "linli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_task_enqueued_to_redis_runs_in_a_separate_worker_process(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINLI_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "LINLI_DATA_DIR": str(tmp_path),
            "LINLI_SECRET_KEY": "redis-test-" + "k" * 40,
            "LINLI_HTTPS": "0",
            "REDIS_URL": REDIS_URL,
        }
    )
    assert "django_tasks_rq.RQBackend" in linli(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.TASKS)",
    )
    linli(env, "migrate", "--verbosity", "0")
    task_id = linli(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from linli.audit.tasks import prune_audit_log; print(prune_audit_log.enqueue().id)",
    ).strip()
    linli(env, "worker", "--batch")
    status = linli(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from linli.audit.tasks import prune_audit_log; "
        f"result = prune_audit_log.get_result({task_id!r}); print(result.status, result.return_value)",
    )
    assert status.split() == ["SUCCESSFUL", "0"]
    pruned = linli(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from linli.audit.models import AuditLog; print(AuditLog.objects.filter(action='audit.prune').count())",
    )
    assert pruned.strip() == "1"
    redis.Redis.from_url(REDIS_URL).flushdb()
