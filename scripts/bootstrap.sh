# Sourced by scripts/demo.sh and scripts/test.sh: find or install uv, then install the locked
# dependencies. Needs only Python 3.11+ and access to PyPI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if command -v uv >/dev/null 2>&1; then
  UV=(uv)
elif python3 -m uv --version >/dev/null 2>&1; then
  UV=(python3 -m uv)
else
  echo "==> uv not found: installing it with pip"
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
  UV=(python3 -m uv)
fi
"${UV[@]}" sync --frozen --quiet
