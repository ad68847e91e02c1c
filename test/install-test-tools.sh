#!/usr/bin/env bash
# Runs before `npm test` (the pretest script): sets up what the suite needs beyond `npm ci`, or says in one line
# how. LocalStack is installed and started by the suite itself (test/global-setup.ts).
#   - the native tensorflow backend, on which the engine tests also run (native/install.sh; quick when current);
#   - Chromium for the report's browser test (CHROMIUM_PATH, default /usr/bin/chromium): Debian's package when
#     this runs as root with apt-get, otherwise a one-line instruction and exit 1 before any test runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash native/install.sh

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  if [[ -z "${CHROMIUM_PATH:-}" && "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "[test] installing Debian's chromium for the report's browser test"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "npm test needs Chromium at $chromium for the report's browser test: install it (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary" >&2
    exit 1
  fi
fi
