#!/usr/bin/env bash
# Start the project's LocalStack (from <repo>/.venv-localstack) in the background on
# 127.0.0.1:4566 and wait until s3, sqs and cloudformation are healthy.
#
#   log: <repo>/.localstack/localstack.log    pid: <repo>/.localstack/localstack.pid
#
# If something already answers http://127.0.0.1:4566/_localstack/health it is reused
# (and stop.sh will not touch it). Runs install.sh first (a no-op when up to date).
#
# Env overrides:
#   LOCALSTACK_START_TIMEOUT  seconds to wait for health (default 120)
#   LOCALSTACK_SKIP_INSTALL=1 do not run install.sh
#   Any LocalStack setting (SERVICES, DEBUG, LS_LOG, PERSISTENCE, ...) is passed through;
#   the defaults below apply only when the variable is unset.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
VENV="$REPO_ROOT/.venv-localstack"
STATE_DIR="$REPO_ROOT/.localstack"
LOG_FILE="$STATE_DIR/localstack.log"
PID_FILE="$STATE_DIR/localstack.pid"
LISTEN="127.0.0.1:4566"
HEALTH_URL="http://$LISTEN/_localstack/health"
REQUIRED_SERVICES="s3,sqs,cloudformation"
TIMEOUT="${LOCALSTACK_START_TIMEOUT:-120}"

log() { printf '[localstack/start] %s\n' "$*"; }

# health PY -> exit 0: required services ready; 2: answers but not ready;
#              1: nothing listening; 3: port open but no LocalStack health answer
health() {
  "$1" - "$HEALTH_URL" "$REQUIRED_SERVICES" "$LISTEN" <<'PYEOF'
import json, socket, sys, urllib.request
url, required = sys.argv[1], sys.argv[2].split(",")
host, port = sys.argv[3].rsplit(":", 1)
try:
    socket.create_connection((host, int(port)), timeout=2).close()
except OSError:
    sys.exit(1)
try:
    with urllib.request.urlopen(url, timeout=3) as r:
        body = json.load(r)
except Exception:
    sys.exit(3)
services = body.get("services", {}) if isinstance(body, dict) else {}
ok = all(services.get(s) in ("available", "running") for s in required)
print("version=%s %s" % (body.get("version", "?"),
      " ".join("%s=%s" % (s, services.get(s, "missing")) for s in required)))
sys.exit(0 if ok else 2)
PYEOF
}

SYS_PY="$(command -v python3.11 || command -v python3 || true)"
[[ -n "$SYS_PY" ]] || { log "ERROR: python3 not found"; exit 1; }

# --- something already listening? reuse it ------------------------------------
set +e; status="$(health "$SYS_PY")"; rc=$?; set -e
if (( rc == 3 )); then
  log "ERROR: $LISTEN is in use by something that does not answer $HEALTH_URL" >&2
  exit 1
fi
if (( rc != 1 )); then
  log "LocalStack already answering at $HEALTH_URL ($status); reusing it"
  (( rc == 0 )) || log "WARNING: not all of $REQUIRED_SERVICES report available/running"
  exit 0
fi

# --- our own instance still starting? -----------------------------------------
mkdir -p "$STATE_DIR"
PID=""
if [[ -f "$PID_FILE" ]]; then
  old="$(tr -dc '0-9' < "$PID_FILE")"
  if [[ -n "$old" ]] && kill -0 "$old" 2>/dev/null \
     && { tr '\0' ' ' < "/proc/$old/cmdline" 2>/dev/null || ps -p "$old" -o command= 2>/dev/null; } | grep -q 'localstack.runtime.main'; then
    log "LocalStack (pid $old) from a previous start.sh is still starting; waiting for it"
    PID="$old"
  else
    rm -f -- "$PID_FILE"
  fi
fi

if [[ -z "$PID" ]]; then
  if [[ "${LOCALSTACK_SKIP_INSTALL:-0}" != "1" ]]; then
    bash "$SCRIPT_DIR/install.sh"
  fi
  [[ -x "$VENV/bin/python" ]] || { log "ERROR: $VENV missing; run localstack/install.sh"; exit 1; }

  # Defaults (override by exporting them). See localstack/README.md for why.
  export GATEWAY_LISTEN="$LISTEN"
  export LOCALSTACK_HOST="${LOCALSTACK_HOST:-$LISTEN}"            # URLs LocalStack hands out
  export SQS_ENDPOINT_STRATEGY="${SQS_ENDPOINT_STRATEGY:-path}"    # queue URLs on 127.0.0.1, no DNS
  export DNS_ADDRESS="${DNS_ADDRESS:-0}"                           # no DNS server on :53
  export SKIP_SSL_CERT_DOWNLOAD="${SKIP_SSL_CERT_DOWNLOAD:-1}"     # no cert download at start
  export DISABLE_EVENTS="${DISABLE_EVENTS:-1}"                     # no analytics calls
  export FILESYSTEM_ROOT="${FILESYSTEM_ROOT:-$STATE_DIR/filesystem}"  # data/tmp dirs, not in venv
  export CONFIG_DIR="${CONFIG_DIR:-$STATE_DIR/config}"             # ignore ~/.localstack/*.env
  mkdir -p "$FILESYSTEM_ROOT" "$CONFIG_DIR"

  log "starting LocalStack from $VENV on $LISTEN (log: $LOG_FILE)"
  : > "$LOG_FILE"
  launcher=(nohup)
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)   # own session: survives the caller's Ctrl-C
  # The inner shell writes its own pid, then execs python (same pid), so the pid
  # file is right whether or not setsid forks.
  "${launcher[@]}" bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$VENV/bin/python" -m localstack.runtime.main >>"$LOG_FILE" 2>&1 </dev/null &
  disown $! 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  PID="$(tr -dc '0-9' < "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$PID" ]] || { log "ERROR: LocalStack did not write its pid file"; tail -n 50 "$LOG_FILE" >&2 || true; exit 1; }
fi

# --- wait for health ----------------------------------------------------------
start_ts=$(date +%s.%N)
deadline=$(( SECONDS + TIMEOUT ))
while :; do
  set +e; status="$(health "$VENV/bin/python" 2>/dev/null)"; rc=$?; set -e
  if (( rc == 0 )); then
    elapsed="$(awk -v a="$start_ts" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')"
    log "healthy after ${elapsed}s (pid $PID): $status"
    exit 0
  fi
  if ! kill -0 "$PID" 2>/dev/null; then
    log "ERROR: LocalStack (pid $PID) exited during startup; last log lines:" >&2
    tail -n 50 "$LOG_FILE" >&2 || true
    rm -f -- "$PID_FILE"
    exit 1
  fi
  # LocalStack does not exit when it cannot bind (it even prints "Ready."), so look for it.
  if grep -qE 'CannotListenError|Address already in use' "$LOG_FILE" 2>/dev/null; then
    log "ERROR: LocalStack could not listen on $LISTEN; stopping pid $PID. Last log lines:" >&2
    tail -n 30 "$LOG_FILE" >&2 || true
    LOCALSTACK_STOP_TIMEOUT=5 bash "$SCRIPT_DIR/stop.sh" >&2 || true
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    log "ERROR: not healthy after ${TIMEOUT}s (${status:-no answer}); stopping pid $PID. Last log lines:" >&2
    tail -n 50 "$LOG_FILE" >&2 || true
    LOCALSTACK_STOP_TIMEOUT=10 bash "$SCRIPT_DIR/stop.sh" >&2 || true
    exit 1
  fi
  sleep 0.5
done
