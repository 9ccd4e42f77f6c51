// Summarises a V8 .cpuprofile: self time by function (top N) and by origin.
//   node bench/profile-summary.mjs <file.cpuprofile> [topN]
// Also imported by run.mjs (BENCH_PROFILE=1).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where a frame's code lives: the project's dist/, a package, Node's internals, or V8 pseudo-frames. */
export function originOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.includes('/dist/')) return 'project dist/';
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const pkg = url.lastIndexOf('node_modules/');
  if (pkg >= 0) return url.slice(pkg + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(profile, topN = 25) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    selfById.set(profile.samples[i], (selfById.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...selfById.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byOrigin = new Map();
  for (const [id, micros] of selfById) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const name = functionName || '(anonymous)';
    const key = `${name} ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const origin = originOf(url, name);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, micros]) => ({ name, selfMs: micros / 1000, selfPct: (100 * micros) / total }));
  return { totalMs: total / 1000, topFunctions: rank(byFunction).slice(0, topN), byOrigin: rank(byOrigin) };
}

export function formatSummary({ totalMs, topFunctions, byOrigin }) {
  const lines = [`Profile: ${totalMs.toFixed(0)} ms of samples`, '', '| Self % | Self ms | Function (file:line) |', '|---:|---:|---|'];
  for (const f of topFunctions) lines.push(`| ${f.selfPct.toFixed(1)} | ${f.selfMs.toFixed(0)} | \`${f.name}\` |`);
  lines.push('', '| Self % | Origin |', '|---:|---|');
  for (const o of byOrigin.slice(0, 20)) lines.push(`| ${o.selfPct.toFixed(1)} | ${o.name} |`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: node bench/profile-summary.mjs <file.cpuprofile> [topN]\n');
    process.exit(2);
  }
  console.log(formatSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(top ?? 25))));
}
