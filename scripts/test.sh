#!/usr/bin/env bash
# Everything CI checks, in order: lint, types, migrations, the unit suite on SQLite and on
# PostgreSQL, the race tests on PostgreSQL, and the browser tests in Chromium.
# Starts PostgreSQL and Redis if they are installed but stopped; installs Chromium (and a CJK
# font for screenshots) with apt-get when running as root on Debian and it is missing.
source "$(dirname "$0")/bootstrap.sh"

PG_URL="${LINLI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/linli}"
export LINLI_TEST_REDIS_URL="${LINLI_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
started=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

ensure_services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && command -v redis-server >/dev/null; then
    echo "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
  if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Chromium and a Chinese font for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
}

# pytest exits 5 when a selection holds no test; a suite that may be empty tolerates that.
pytest_allow_empty() { "${UV[@]}" run --frozen pytest "$@" || [ $? -eq 5 ]; }

step "services"
ensure_services

step "ruff"
"${UV[@]}" run --frozen ruff check .
"${UV[@]}" run --frozen ruff format --check .

step "mypy"
"${UV[@]}" run --frozen mypy linli tests

step "migrations are committed"
LINLI_DATA_DIR="$(mktemp -d)" "${UV[@]}" run --frozen linli makemigrations --check --dry-run

step "unit tests on SQLite"
"${UV[@]}" run --frozen pytest tests --ignore=tests/browser --ignore=tests/race -n 2 --dist loadgroup -q

step "unit tests on PostgreSQL"
DATABASE_URL="$PG_URL" "${UV[@]}" run --frozen pytest tests --ignore=tests/browser --ignore=tests/race -n 2 --dist loadgroup -q

step "race tests on PostgreSQL"
DATABASE_URL="$PG_URL" pytest_allow_empty tests/race -m race -p no:xdist -q

step "browser tests (Chromium; screenshots in artifacts/screenshots)"
"${UV[@]}" run --frozen pytest tests/browser -m browser -p no:xdist -q

step "all checks passed"
