# shellcheck shell=bash
# Sourced by .ci/ferretdb.sh and .ci/redis.sh: stopping a server they started, and chaining EXIT traps.

# ci_stop_pid PID TENTHS: SIGTERM, then SIGKILL if it still runs after TENTHS tenths of a second.
ci_stop_pid() {
  local pid=$1 tenths=$2 waited=0
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  while kill -0 "$pid" 2>/dev/null && ((waited < tenths)); do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
}

# `trap -p EXIT` prints: trap -- 'command' EXIT
ci_trap_command() { printf '%s' "$3"; }

# ci_on_exit_first COMMAND: runs COMMAND on exit, before any EXIT trap that was already set.
ci_on_exit_first() {
  local previous='' current
  current=$(trap -p EXIT)
  if [[ -n $current ]]; then previous=$(eval "ci_trap_command $current"); fi
  # shellcheck disable=SC2064 # expanded now on purpose, to keep the previous trap's command
  trap "$1${previous:+; $previous}" EXIT
}
