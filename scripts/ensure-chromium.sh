#!/usr/bin/env bash
# The browser tests drive Debian's own Chromium through playwright-core: playwright's bundled browser
# downloads are not used (they fetch binaries outside the package registries). This installs the
# distribution package when it is missing; it runs before `npm test` (the root "pretest" script).
set -euo pipefail

CHROMIUM="${LUTIN_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing and this user cannot install it." >&2
  echo "  fix: run 'sudo apt-get update && sudo apt-get install -y chromium' (Debian/Ubuntu)," >&2
  echo "  or set LUTIN_CHROMIUM to a Chromium binary; the browser tests are skipped until then." >&2
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium package (once)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo installed)" >&2
