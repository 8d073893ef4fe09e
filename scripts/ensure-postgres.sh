#!/usr/bin/env bash
# The PostgreSQL store's tests run against a real server: a throwaway cluster that the tests start
# themselves (packages/store-postgres/src/testing) from Debian's own binaries, or the server named by
# LUTIN_TEST_DATABASE_URL. This installs the distribution package when the binaries are missing; it runs
# before `npm test` (the root "pretest" script), like ensure-chromium.sh.
set -euo pipefail

if [ -n "${LUTIN_TEST_DATABASE_URL:-}" ]; then
  exit 0
fi
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-postgres: PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin) are missing and this user cannot install them." >&2
  echo "  fix: run 'sudo apt-get update && sudo apt-get install -y postgresql' (Debian/Ubuntu)," >&2
  echo "  or set LUTIN_TEST_DATABASE_URL to a database the tests may create databases on" >&2
  echo "  (e.g. postgres://user:password@127.0.0.1:5432/postgres); the PostgreSQL store's tests fail until then." >&2
  exit 0
fi
echo "ensure-postgres: installing Debian's postgresql package (once)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The package starts a cluster of its own on port 5432; the tests never use it (they start their own).
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
echo "ensure-postgres: $(compgen -G "/usr/lib/postgresql/*/bin/postgres" | sort -V | tail -n 1)" >&2
