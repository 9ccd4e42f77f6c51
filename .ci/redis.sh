# shellcheck shell=bash
# Sourced by .ci/run: installs redis-server from Debian's packages when it is missing, starts it on
# 127.0.0.1 on a free port without persistence for the Redis suites, exports REDIS_URL, and stops it
# on exit through redis_stop. A script that sets its own EXIT trap after sourcing this one must call
# redis_stop from it.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  echo "source this file: . .ci/redis.sh" >&2
  exit 1
fi

# shellcheck source=.ci/processes.sh
. "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

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
  ci_stop_pid "${REDIS_PID:-}" 50
  REDIS_PID=
  if [[ -n ${REDIS_HOME:-} ]]; then rm -rf "$REDIS_HOME"; fi
  REDIS_HOME=
}

if redis_ensure_binary; then
  redis_start && ci_on_exit_first redis_stop
else
  redis_log "redis-server could not be installed: the Redis suites will skip"
fi
