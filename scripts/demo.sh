#!/usr/bin/env bash
# The demo on the embedded SQLite: migrate, seed 焦家社区, print the accounts, serve on :8000.
source "$(dirname "$0")/bootstrap.sh"
exec "${UV[@]}" run --frozen linli demo "$@"
