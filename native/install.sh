#!/usr/bin/env bash
# Makes the native `tensorflow` backend available (npm run native:install):
#   1. a project-local venv, <repo>/.venv-tensorflow, with tensorflow-cpu from native/requirements.lock
#      (--require-hashes);
#   2. @tensorflow/tfjs-node's binding compiled against that wheel's TensorFlow C API (native/build-binding.sh)
#      and put where shared/engine/backend.ts loads it.
#
# Idempotent and quick when nothing changed: the venv carries a stamp of the lock it was built from, and the
# compiled binding is kept in the venv, so after a fresh `npm ci` this only links it in again (a second or two).
# `npm ci && npm start` never needs this: without it the engine runs on wasm and every summary says why.
#
# Env overrides:
#   NATIVE_PYTHON        interpreter to build the venv with (default: python3.11, else python3)
#   NATIVE_REINSTALL=1   rebuild the venv
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
VENV="$REPO_ROOT/.venv-tensorflow"
LOCK="$SCRIPT_DIR/requirements.lock"
STAMP="$VENV/.requirements.lock.sha256"
PACKAGE="$REPO_ROOT/node_modules/@tensorflow/tfjs-node"

log() { printf '[native/install] %s\n' "$*"; }
die() { printf '[native/install] ERROR: %s\n' "$*" >&2; exit 1; }

[[ -f "$PACKAGE/package.json" ]] || die "$PACKAGE is missing: run npm ci first"

if [[ -n "${NATIVE_PYTHON:-}" ]]; then
  PY="$NATIVE_PYTHON"
elif command -v python3.11 >/dev/null 2>&1; then
  PY="python3.11"
else
  PY="python3"
fi
command -v "$PY" >/dev/null 2>&1 || die "no Python interpreter found ($PY); the lock is for CPython 3.11"
PY_VER="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[[ "$PY_VER" == "3.11" ]] || die "$PY is Python $PY_VER; native/requirements.lock pins wheels for 3.11 (set NATIVE_PYTHON)"

LOCK_SHA="$(sha256sum "$LOCK" | cut -c1-64)"
if [[ "${NATIVE_REINSTALL:-0}" == "1" || ! -f "$STAMP" || "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SHA" ]]; then
  start=$(date +%s)
  rm -rf -- "$VENV"
  log "creating $VENV with $("$PY" -V 2>&1) and installing tensorflow-cpu from $(basename "$LOCK") (some 300 MB)"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet --require-hashes -r "$LOCK"
  printf '%s\n' "$LOCK_SHA" > "$STAMP"
  log "venv ready in $(( $(date +%s) - start ))s"
else
  log "venv up to date: $VENV (lock sha256 ${LOCK_SHA:0:12})"
fi

TENSORFLOW="$("$VENV/bin/python" -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("tensorflow").origin))')"
bash "$SCRIPT_DIR/build-binding.sh" "$PACKAGE" "$TENSORFLOW" "$VENV/tfjs-binding"

log "checking that the tensorflow backend loads"
(cd "$REPO_ROOT" && TF_CPP_MIN_LOG_LEVEL=2 node -e '
  const tf = require("@tensorflow/tfjs-node");
  if (tf.getBackend() !== "tensorflow") throw new Error("the active backend is " + tf.getBackend());
  console.log("[native/install] ready: the tensorflow backend runs TensorFlow " + tf.backend().binding.TF_Version);
') || die "the binding was built, but @tensorflow/tfjs-node does not load"
