#!/usr/bin/env bash
# Runs schemathesis 4.32 against a service this script starts: `node dist/main.js` on a free loopback port
# with a temporary data directory, a key made with the operator CLI for the authenticated run and a random
# VERIFY_TOKEN for the verify route. Two runs, each with every check and every phase (examples, coverage,
# fuzzing, stateful), a fixed seed and a bounded number of examples: one authenticated, one anonymous.
# Fails when either run finds anything. Arguments go to both `schemathesis run`s, after the defaults:
#   npm run fuzz -- --max-examples 500          (deeper)
#   npm run fuzz -- --seed 7 --max-failures 1   (another seed, stop at the first failure)
# SCHEMATHESIS names the executable (default: schemathesis on PATH). Reports go to $FUZZ_REPORT_DIR
# (default: a temporary directory, printed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS=${SCHEMATHESIS:-schemathesis}
if ! command -v "$SCHEMATHESIS" >/dev/null; then
  echo "schemathesis not found: python3 -m venv .venv && .venv/bin/pip install schemathesis==4.32.5, then SCHEMATHESIS=.venv/bin/schemathesis" >&2
  exit 2
fi

# Build when dist/ is missing or older than a source file.
if [ ! -f dist/main.js ] || [ -n "$(find src -newer dist/main.js -name '*.ts' -print -quit)" ]; then
  npx tsc -p tsconfig.build.json
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/psk-fuzz.XXXXXX")
reports=${FUZZ_REPORT_DIR:-$work/reports}
mkdir -p "$work/data" "$reports"
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work/data"
}
trap cleanup EXIT

port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
verify_token=$(node -e "console.log(require('node:crypto').randomBytes(24).toString('base64url'))")
base="http://127.0.0.1:$port"

# The fuzzing key's limit is out of reach, so its answers are never 429 for pace alone.
api_key=$(DATA_DIR="$work/data" node dist/cli.js create-key --account fuzz --name schemathesis --rate-limit 1000000/1 \
  | node -e "let s='';process.stdin.on('data',(d)=>(s+=d)).on('end',()=>console.log(JSON.parse(s).key))")

# The secret scanning route served, so both runs reach it: a public keys document of a key pair made here (its private
# key is thrown away, so every report schemathesis sends is unsigned or badly signed: 401).
node -e "const c=require('node:crypto');const {publicKey}=c.generateKeyPairSync('ec',{namedCurve:'prime256v1'});console.log(JSON.stringify({public_keys:[{key_identifier:'fuzz',key:publicKey.export({type:'spki',format:'pem'}),is_current:true}]}))" >"$work/secret-scanning-keys.json"

# The failed-authentication guard at its highest setting: the anonymous run fails thousands of times on purpose.
# The account limit (100 a second by default) out of reach as the key's is: the fuzzing account's answers are never 429 for pace.
DATA_DIR="$work/data" PORT="$port" HOST=127.0.0.1 LOG_LEVEL=warn VERIFY_TOKEN="$verify_token" \
  SECRET_SCANNING_PUBLIC_KEYS="$work/secret-scanning-keys.json" \
  AUTH_FAILURE_LIMIT=100000 AUTH_FAILURE_WINDOW_SECONDS=1 ACCOUNT_RATE_LIMIT_REQUESTS=1000000 \
  node dist/main.js >"$reports/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
  node -e "fetch(process.argv[1]).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))" "$base/health" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$reports/server.log" >&2; exit 1; }
  sleep 0.1
done

# Every check is on by default (an explicit --checks would override the per-operation settings of the
# configuration files); max_response_time needs a limit and is left off.
defaults=(
  --phases examples,coverage,fuzzing,stateful
  --seed 20261201
  --max-examples ${FUZZ_MAX_EXAMPLES:-150}
  --workers 1
  --request-timeout 10
  --no-color
  --suppress-health-check too_slow,filter_too_much
)

status=0
echo "== schemathesis, authenticated (API key for /v1, VERIFY_TOKEN for the verify route) against $base"
PSK_FUZZ_API_KEY="$api_key" PSK_FUZZ_VERIFY_TOKEN="$verify_token" \
  "$SCHEMATHESIS" --config-file test/fuzz/schemathesis.toml run "$base/docs-json" "${defaults[@]}" \
  --report junit --report-junit-path "$reports/authenticated.junit.xml" "$@" || status=1

echo "== schemathesis, anonymous (no credential) against $base"
"$SCHEMATHESIS" --config-file test/fuzz/anonymous.toml run "$base/docs-json" "${defaults[@]}" \
  --report junit --report-junit-path "$reports/anonymous.junit.xml" "$@" || status=1

# A 500 that schemathesis missed still leaves its trace in the log: a JSON line at level error or fatal (the log's
# levels are lower-case labels: until 2026-12-07 this looked for 'ERROR', which no line holds, so only the word
# 'unhandled' was caught), or anything not JSON at all (a crash's stack on stderr).
errors_logged='"level":"(error|fatal)"|unhandled|^[^{]'
if grep -E "$errors_logged" "$reports/server.log" >/dev/null; then
  echo "== the server logged errors during the runs:" >&2
  grep -E "$errors_logged" "$reports/server.log" | head -20 >&2
  status=1
fi
echo "== reports and server log: $reports"
exit "$status"
