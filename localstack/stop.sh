#!/usr/bin/env bash
# Stop the LocalStack started by localstack/start.sh (by its pid file).
# A LocalStack that start.sh merely reused (not started by it) is left alone.
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
STATE_DIR="$REPO_ROOT/.localstack"
PID_FILE="$STATE_DIR/localstack.pid"
STOP_TIMEOUT="${LOCALSTACK_STOP_TIMEOUT:-30}"

log() { printf '[localstack/stop] %s\n' "$*"; }

if [[ ! -f "$PID_FILE" ]]; then
  log "no pid file ($PID_FILE); nothing to stop"
  exit 0
fi
PID="$(tr -dc '0-9' < "$PID_FILE")"

proc_cmd() {  # command line of pid $1 (empty if gone or a zombie)
  if [[ -r "/proc/$1/cmdline" ]]; then tr '\0' ' ' < "/proc/$1/cmdline"; else ps -p "$1" -o command= 2>/dev/null; fi
}
is_alive() {  # running and not a zombie
  kill -0 "$1" 2>/dev/null || return 1
  local st
  if [[ -r "/proc/$1/stat" ]]; then st="$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)"; else st="$(ps -p "$1" -o stat= 2>/dev/null)"; fi
  [[ "${st:0:1}" != "Z" ]]
}
is_ours() {  # alive and really our LocalStack (guards against pid reuse)
  [[ -n "$PID" ]] && is_alive "$PID" && proc_cmd "$PID" | grep -q 'localstack.runtime.main'
}

if ! is_ours; then
  log "process ${PID:-?} is not running (stale pid file); removing it"
  rm -f -- "$PID_FILE"
  exit 0
fi

log "stopping LocalStack (pid $PID) with SIGTERM"
kill -TERM "$PID" 2>/dev/null || true
deadline=$(( SECONDS + STOP_TIMEOUT ))
while is_alive "$PID"; do
  if (( SECONDS >= deadline )); then
    log "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
    sleep 1
    break
  fi
  sleep 0.5
done
rm -f -- "$PID_FILE"
log "stopped"
