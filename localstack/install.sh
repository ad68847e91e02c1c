#!/usr/bin/env bash
# Install the project's pinned LocalStack (localstack-core[runtime]==4.13.1) into
# <repo>/.venv-localstack from localstack/requirements.lock.
#
# Idempotent: a stamp file in the venv holds the sha256 of the lock it was built
# from; if it matches (and LocalStack imports), nothing is done. If the lock
# changed, the venv is rebuilt from scratch so no stale packages linger.
#
# Env overrides:
#   LOCALSTACK_PYTHON   interpreter to build the venv with (default: python3.11, else python3)
#   LOCALSTACK_REINSTALL=1  force a rebuild
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
VENV="$REPO_ROOT/.venv-localstack"
LOCK="$SCRIPT_DIR/requirements.lock"
STAMP="$VENV/.requirements.lock.sha256"
EXPECTED_VERSION="4.13.1"

log() { printf '[localstack/install] %s\n' "$*"; }
die() { printf '[localstack/install] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -f "$LOCK" ]] || die "lock file not found: $LOCK"

# --- pick the interpreter -----------------------------------------------------
if [[ -n "${LOCALSTACK_PYTHON:-}" ]]; then
  PY="$LOCALSTACK_PYTHON"
elif command -v python3.11 >/dev/null 2>&1; then
  PY="python3.11"
elif command -v python3 >/dev/null 2>&1; then
  PY="python3"
else
  die "no python3 found (need Python >= 3.10; the lock was generated on 3.11)"
fi
command -v "$PY" >/dev/null 2>&1 || die "interpreter not found: $PY"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$PY is $("$PY" -V 2>&1); localstack-core $EXPECTED_VERSION needs Python >= 3.10"
PY_VER="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[[ "$PY_VER" == "3.11" ]] || log "WARNING: using Python $PY_VER; the lock was generated and tested on 3.11"

LOCK_SHA="$("$PY" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$LOCK")"

# --- up to date? --------------------------------------------------------------
if [[ "${LOCALSTACK_REINSTALL:-0}" != "1" && -f "$STAMP" && -x "$VENV/bin/python" ]] \
   && [[ "$(cat "$STAMP")" == "$LOCK_SHA" ]] \
   && "$VENV/bin/python" -c "import localstack.constants as c, sys; sys.exit(c.VERSION != '$EXPECTED_VERSION')" 2>/dev/null; then
  log "up to date: $VENV (LocalStack $EXPECTED_VERSION, lock sha256 ${LOCK_SHA:0:12})"
  exit 0
fi

# --- (re)build ----------------------------------------------------------------
start_ts=$(date +%s)
if [[ -e "$VENV" ]]; then
  log "venv missing/outdated for this lock; removing $VENV"
  rm -rf -- "$VENV"
fi
log "creating venv $VENV with $PY ($("$PY" -V 2>&1))"
"$PY" -m venv "$VENV"

log "installing from $(basename "$LOCK") (lock sha256 ${LOCK_SHA:0:12}); this takes ~1-2 min"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -r "$LOCK"

log "verifying install"
"$VENV/bin/python" -m pip check --disable-pip-version-check
"$VENV/bin/python" -c "import localstack.constants as c, sys; print('[localstack/install] localstack-core', c.VERSION); sys.exit(c.VERSION != '$EXPECTED_VERSION')" \
  || die "installed LocalStack version is not $EXPECTED_VERSION"
[[ -x "$VENV/bin/aws" ]] || die "aws CLI missing from $VENV/bin"

# Warn if pip had to pull in anything the lock does not pin (e.g. on another Python).
"$VENV/bin/python" - "$LOCK" <<'PYEOF'
import re, subprocess, sys
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
locked = set()
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if "==" in line:
        locked.add(norm(line.split("==", 1)[0]))
out = subprocess.run([sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check"],
                     capture_output=True, text=True, check=True).stdout
extra = sorted(l for l in out.splitlines() if "==" in l and norm(l.split("==", 1)[0]) not in locked)
if extra:
    print("[localstack/install] WARNING: installed but not pinned in the lock:", ", ".join(extra))
PYEOF

printf '%s\n' "$LOCK_SHA" > "$STAMP"
log "done in $(( $(date +%s) - start_ts ))s: $VENV"
