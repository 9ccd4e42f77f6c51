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

const frameName = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;

export function summarizeProfile(profile, topN = 25) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfById = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    selfById.set(profile.samples[i], (selfById.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...selfById.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map();
  const byOrigin = new Map();
  const inclusive = new Map();
  for (const [id, micros] of selfById) {
    const frame = nodes.get(id).callFrame;
    let key = frameName(frame);
    // Native frames (no script) say little alone: name the nearest JavaScript caller.
    if (!frame.url && !frame.functionName.startsWith('(')) {
      let up = parent.get(id);
      while (up !== undefined && !nodes.get(up).callFrame.url) up = parent.get(up);
      if (up !== undefined) key += ` ← ${frameName(nodes.get(up).callFrame)}`;
    }
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    const origin = originOf(frame.url, frame.functionName || '(anonymous)');
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
    // Inclusive: every distinct function on the sample's stack gets the sample once.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at).callFrame;
      if (!f.url) continue;
      const name = frameName(f);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, micros]) => ({ name, selfMs: micros / 1000, selfPct: (100 * micros) / total }));
  const projectInclusive = rank(new Map([...inclusive].filter(([name]) => / dist\//.test(name)))).slice(0, topN);
  return { totalMs: total / 1000, topFunctions: rank(byFunction).slice(0, topN), byOrigin: rank(byOrigin), projectInclusive };
}

export function formatSummary({ totalMs, topFunctions, byOrigin, projectInclusive = [] }) {
  const lines = [`Profile: ${totalMs.toFixed(0)} ms of samples`, '', '| Self % | Self ms | Function (file:line; native frames ← nearest JS caller) |', '|---:|---:|---|'];
  for (const f of topFunctions) lines.push(`| ${f.selfPct.toFixed(1)} | ${f.selfMs.toFixed(0)} | \`${f.name}\` |`);
  lines.push('', '| Self % | Origin |', '|---:|---|');
  for (const o of byOrigin.slice(0, 20)) lines.push(`| ${o.selfPct.toFixed(1)} | ${o.name} |`);
  if (projectInclusive.length > 0) {
    lines.push('', '| Inclusive % | Inclusive ms | Project function (dist/) |', '|---:|---:|---|');
    for (const f of projectInclusive) lines.push(`| ${f.selfPct.toFixed(1)} | ${f.selfMs.toFixed(0)} | \`${f.name}\` |`);
  }
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
