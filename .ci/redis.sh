# shellcheck shell=bash
# Sourced by .ci/run: installs redis-server from Debian's packages when it is missing, starts it on
# 127.0.0.1 on a free port without persistence for the Redis suites, exports REDIS_URL, and stops it
# on exit through redis_stop. A script that sets its own EXIT trap after sourcing this one must call
# redis_stop from it.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  echo "source this file: . .ci/redis.sh" >&2
  exit 1
fi

redis_log() { echo "redis: $*" >&2; }

redis_ensure_binary() {
  command -v redis-server >/dev/null && return 0
  command -v apt-get >/dev/null || { redis_log "no apt-get to install redis-server"; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server; }
}

redis_free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

redis_start() {
  local port
  port=${REDIS_PORT:-$(redis_free_port)} || return 1
  REDIS_HOME=$(mktemp -d) || return 1
  # --save "" and --appendonly no: nothing is written to disk; --daemonize no keeps it our child.
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$REDIS_HOME" \
    --daemonize no --logfile "$REDIS_HOME/redis.log" </dev/null >/dev/null 2>&1 &
  REDIS_PID=$!
  # Out of the job table, so a bare `wait` in the caller does not wait for it.
  disown "$REDIS_PID"

  local deadline=$((SECONDS + 15))
  until grep -q "Ready to accept connections" "$REDIS_HOME/redis.log" 2>/dev/null && kill -0 "$REDIS_PID" 2>/dev/null; do
    if ! kill -0 "$REDIS_PID" 2>/dev/null || ((SECONDS > deadline)); then
      redis_log "did not start on port $port:"
      tail -n 20 "$REDIS_HOME/redis.log" >&2 2>/dev/null
      redis_stop
      return 1
    fi
    sleep 0.1
  done
  export REDIS_URL="redis://127.0.0.1:$port"
  redis_log "$(redis-server --version | cut -d' ' -f3) listening at $REDIS_URL (pid $REDIS_PID, log $REDIS_HOME/redis.log)"
}

redis_stop() {
  if [[ -n ${REDIS_PID:-} ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill -TERM "$REDIS_PID"
    local waited=0
    while kill -0 "$REDIS_PID" 2>/dev/null && ((waited < 50)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$REDIS_PID" 2>/dev/null; then kill -KILL "$REDIS_PID"; fi
  fi
  REDIS_PID=
  if [[ -n ${REDIS_HOME:-} ]]; then rm -rf "$REDIS_HOME"; fi
  REDIS_HOME=
}

# `trap -p EXIT` prints: trap -- 'command' EXIT
redis_trap_command() { printf '%s' "$3"; }

# Runs redis_stop on exit, before any EXIT trap that was already set (FerretDB's).
redis_trap_stop() {
  local previous='' current
  current=$(trap -p EXIT)
  if [[ -n $current ]]; then previous=$(eval "redis_trap_command $current"); fi
  # shellcheck disable=SC2064 # expanded now on purpose, to keep the previous trap's command
  trap "redis_stop${previous:+; $previous}" EXIT
}

if redis_ensure_binary; then
  redis_start && redis_trap_stop
else
  redis_log "redis-server could not be installed: the Redis suites will skip"
fi
