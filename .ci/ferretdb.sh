# shellcheck shell=bash
# Sourced by .ci/run: provides a FerretDB (SQLite backend) on 127.0.0.1 for the MongoDB read model
# tests, exports MONGODB_URL and FERRETDB_BIN, and stops it on exit through ferretdb_stop.
# A script that sets its own EXIT trap after sourcing this one must call ferretdb_stop from it.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  echo "source this file: . .ci/ferretdb.sh" >&2
  exit 1
fi

# shellcheck source=.ci/processes.sh
. "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

FERRETDB_VERSION=v1.24.2

ferretdb_log() { echo "ferretdb: $*" >&2; }

# `go install ...@v1.24.2` builds a binary that panics at start: the module zip lacks
# build/version/version.txt. So a binary counts only if it runs and reports the version.
ferretdb_binary_ok() {
  local output
  output=$("$1" --version 2>/dev/null) || return 1
  [[ $output == *"version: $FERRETDB_VERSION"* ]]
}

# Builds from the module source with the version file the module zip lacks.
ferretdb_build() {
  local target=$1 source work
  command -v go >/dev/null || { ferretdb_log "go is needed to build FerretDB"; return 1; }
  # From /, so that no go.mod of the working directory is involved or touched.
  source=$(cd / && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p') || return 1
  [[ -n $source ]] || { ferretdb_log "go mod download gave no source directory"; return 1; }
  work=$(mktemp -d) || return 1
  cp -R "$source/." "$work/" && chmod -R u+w "$work" &&
    echo "$FERRETDB_VERSION" >"$work/build/version/version.txt" &&
    mkdir -p "$(dirname "$target")" &&
    (cd "$work" && go build -o "$target.tmp" ./cmd/ferretdb) &&
    mv "$target.tmp" "$target"
  local status=$?
  rm -rf "$work"
  return "$status"
}

ferretdb_ensure_binary() {
  if [[ -z ${FERRETDB_BIN:-} ]]; then
    command -v go >/dev/null || { ferretdb_log "set FERRETDB_BIN or install go"; return 1; }
    FERRETDB_BIN="$(go env GOPATH | cut -d: -f1)/bin/ferretdb"
  fi
  if ferretdb_binary_ok "$FERRETDB_BIN"; then return 0; fi
  ferretdb_log "building $FERRETDB_VERSION into $FERRETDB_BIN"
  ferretdb_build "$FERRETDB_BIN" || return 1
  ferretdb_binary_ok "$FERRETDB_BIN" || { ferretdb_log "the built $FERRETDB_BIN does not run"; return 1; }
}

ferretdb_free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

ferretdb_start() {
  local port
  port=${FERRETDB_PORT:-$(ferretdb_free_port)} || return 1
  FERRETDB_HOME=$(mktemp -d) || return 1
  mkdir -p "$FERRETDB_HOME/data"
  # --debug-addr=- turns off the metrics listener, which would otherwise take 127.0.0.1:8088.
  "$FERRETDB_BIN" --listen-addr="127.0.0.1:$port" --handler=sqlite --sqlite-url="file:$FERRETDB_HOME/data/" \
    --telemetry=disable --debug-addr=- --state-dir="$FERRETDB_HOME" --log-level=info \
    >"$FERRETDB_HOME/ferretdb.log" 2>&1 </dev/null &
  FERRETDB_PID=$!
  # Out of the job table, so a bare `wait` in the caller does not wait for it.
  disown "$FERRETDB_PID"

  # Its own log line, not an open port: another server may already hold FERRETDB_PORT.
  local deadline=$((SECONDS + 30))
  until grep -q "Listening on TCP" "$FERRETDB_HOME/ferretdb.log" && kill -0 "$FERRETDB_PID" 2>/dev/null; do
    if ! kill -0 "$FERRETDB_PID" 2>/dev/null || ((SECONDS > deadline)); then
      ferretdb_log "did not start on port $port:"
      tail -n 40 "$FERRETDB_HOME/ferretdb.log" >&2
      ferretdb_stop
      return 1
    fi
    sleep 0.2
  done
  export MONGODB_URL="mongodb://127.0.0.1:$port/"
  export FERRETDB_BIN
  ferretdb_log "$FERRETDB_VERSION listening at $MONGODB_URL (pid $FERRETDB_PID, log $FERRETDB_HOME/ferretdb.log)"
}

ferretdb_stop() {
  ci_stop_pid "${FERRETDB_PID:-}" 100
  FERRETDB_PID=
  if [[ -n ${FERRETDB_HOME:-} ]]; then rm -rf "$FERRETDB_HOME"; fi
  FERRETDB_HOME=
}

# CI_FUNCTIONS_ONLY=1: the functions alone (.ci/run builds the binary beside `npm ci`, then sources this file again).
[[ -n ${CI_FUNCTIONS_ONLY:-} ]] && return 0
ferretdb_ensure_binary && ferretdb_start && ci_on_exit_first ferretdb_stop
