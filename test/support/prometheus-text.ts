/** The samples of a Prometheus text exposition, by series: `name{label="value",...}` (labels as written) → value. */
export function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** One sample's value; 0 for a series not exposed (yet). */
export function sample(samples: Map<string, number>, series: string): number {
  return samples.get(series) ?? 0;
}
