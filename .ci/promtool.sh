# shellcheck shell=bash
# Sourced by .ci/run: promtool (Prometheus' rule checker) for the alert rules' unit tests
# (test/scripts/alert-rules.spec.ts). Taken from Debian's prometheus package without installing it (installing would
# add a prometheus service): the package is downloaded and only /usr/bin/promtool extracted (1.3 s here, against 7 min
# to build promtool from the Go module proxy). Exports PROMTOOL when it runs; otherwise one line, and the spec skips
# its promtool part.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  echo "source this file: . .ci/promtool.sh" >&2
  exit 1
fi

promtool_fetch() {
  local dir
  command -v promtool >/dev/null && { PROMTOOL=$(command -v promtool); return 0; }
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "promtool: no apt-get or dpkg-deb" >&2; return 1; }
  dir=$(mktemp -d)
  (cd "$dir" && { apt-get download -q prometheus >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download -q prometheus >/dev/null 2>&1; }; }) || return 1
  dpkg-deb -x "$dir"/prometheus_*.deb "$dir/root" && PROMTOOL="$dir/root/usr/bin/promtool"
}

# CI_FUNCTIONS_ONLY=1: the function alone (.ci/run fetches beside `npm ci`, then sources this file with PROMTOOL set).
[[ -n ${CI_FUNCTIONS_ONLY:-} ]] && return 0

if { [[ -n ${PROMTOOL:-} ]] && "$PROMTOOL" --version >/dev/null 2>&1; } || promtool_fetch && "$PROMTOOL" --version >/dev/null 2>&1; then
  export PROMTOOL
  echo "promtool: $("$PROMTOOL" --version 2>&1 | head -n 1)"
else
  unset PROMTOOL
  echo "promtool could not be had from Debian's prometheus package: the alert rules' promtool tests will skip"
fi
