import { readFileSync } from 'node:fs';
import { KeyChangedByNewerVersion } from '../../src/keys/key-changed-by-newer-version.js';
import { VERIFY_OUTCOMES } from '../../src/keys/edge/verify-api-key/verify-outcomes.js';
import { toHttpError } from '../../src/shared/http/error-mapping.js';

interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

interface Panel {
  id: number;
  title: string;
  type: string;
  gridPos: GridPos;
}

/**
 * docs/grafana/parsesphere-keys.json as Grafana lays it out (no Grafana in the tests: the file is read as it would
 * read it). Grafana's grid has 24 columns; panels given the same cells are pushed down one under the other.
 */
describe('docs/grafana/parsesphere-keys.json: the layout', () => {
  const dashboard = JSON.parse(readFileSync('docs/grafana/parsesphere-keys.json', 'utf8')) as { panels: Panel[] };
  const overlap = (a: GridPos, b: GridPos) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

  it('gives every panel cells of its own, within the 24 columns', () => {
    const clashes: string[] = [];
    dashboard.panels.forEach((panel, i) => {
      if (panel.gridPos.x < 0 || panel.gridPos.x + panel.gridPos.w > 24) clashes.push(`${panel.title} is outside the grid`);
      for (const other of dashboard.panels.slice(i + 1)) {
        if (overlap(panel.gridPos, other.gridPos)) clashes.push(`${panel.title} / ${other.title}`);
      }
    });
    expect(clashes).toEqual([]);
  });
});

interface Target {
  refId: string;
  expr: string;
}

interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}

interface Chart extends Panel {
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string }; overrides?: Override[] };
}

/** What a query's values are: a latency quantile (seconds) or a count per second (of requests, failures, flushes). */
function measures(expr: string): 'seconds' | 'per second' | 'other' {
  if (expr.startsWith('histogram_quantile(')) return 'seconds';
  // A rate of a counter of seconds (CPU) is a fraction, not events per second.
  if (/rate\(\w+_(count|total)\b/.test(expr) && !/_seconds_total\b/.test(expr)) return 'per second';
  return 'other';
}

describe('docs/grafana/parsesphere-keys.json: the units', () => {
  const dashboard = JSON.parse(readFileSync('docs/grafana/parsesphere-keys.json', 'utf8')) as { panels: Chart[] };

  it('shows each query in the unit of what it measures, a rate beside a latency included', () => {
    const wrong: string[] = [];
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        const override = panel.fieldConfig?.overrides?.find(({ matcher }) => matcher.id === 'byFrameRefID' && matcher.options === target.refId);
        const unit = override?.properties.find(({ id }) => id === 'unit')?.value ?? panel.fieldConfig?.defaults?.unit;
        const kind = measures(target.expr);
        if (kind === 'seconds' && unit !== 's') wrong.push(`${panel.title} ${target.refId}: a latency in ${String(unit)}`);
        if (kind === 'per second' && unit !== 'reqps' && unit !== 'ops') wrong.push(`${panel.title} ${target.refId}: a rate in ${String(unit)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('docs/grafana/parsesphere-keys.json: the 5xx panel', () => {
  const dashboard = JSON.parse(readFileSync('docs/grafana/parsesphere-keys.json', 'utf8')) as { panels: Chart[] };

  it("counts every verify answered with a 5xx: ERROR, and CHANGED_BY_NEWER_VERSION's 503 as on the express routes", () => {
    expect(toHttpError(KeyChangedByNewerVersion.whenAuthenticating()).status).toBe(503);
    const panel = dashboard.panels.find(({ title }) => title === '5xx /s');
    const verify = panel?.targets?.find(({ expr }) => expr.includes('parsesphere_verify_outcomes_total'));
    const selector = /code(=~?)"([^"]*)"/.exec(verify?.expr ?? '');
    const selected = new RegExp(selector?.[1] === '=~' ? `^(?:${selector[2]})$` : `^${selector?.[2] ?? ''}$`);
    expect(VERIFY_OUTCOMES.filter((code) => selected.test(code)).sort()).toEqual(['CHANGED_BY_NEWER_VERSION', 'ERROR']);
  });
});

// The metrics audit (2026-12-06): a projection stopped on a paused FerretDB showed lag 0 on every panel.
describe('docs/grafana/parsesphere-keys.json: the projections', () => {
  const dashboard = JSON.parse(readFileSync('docs/grafana/parsesphere-keys.json', 'utf8')) as { panels: Chart[] };

  it('shows whether each projection runs, per projection, with its lag', () => {
    const running = dashboard.panels.find(({ targets }) => targets?.some(({ expr }) => expr === 'min by (projection) (parsesphere_projection_up)'));
    expect(running?.title).toBe('Projections running');
    const lag = dashboard.panels.find(({ title }) => title === 'Projection lag (events)');
    expect(running!.gridPos.y).toBeLessThan(lag!.gridPos.y);
  });
});

// The metrics audit (2026-12-07): Redis stopped for 75 s, 123 s and 210 s: every instance counted rate limits alone, and
// no panel showed it (parsesphere_rate_limits_sharing was on none).
describe('docs/grafana/parsesphere-keys.json: Redis', () => {
  const dashboard = JSON.parse(readFileSync('docs/grafana/parsesphere-keys.json', 'utf8')) as { panels: Chart[] };

  it('shows, beside the stores, whether any instance counts rate limits alone', () => {
    const stores = dashboard.panels.find(({ title }) => title === 'Stores up');
    expect(stores?.targets?.map(({ expr }) => expr)).toContain('1 - max(parsesphere_rate_limits_sharing{mode="per-instance"})');
  });
});

// The metrics audit (2026-12-07): anomaly findings and the webhook's failures were on no panel (nor in /metrics).
describe('docs/grafana/parsesphere-keys.json: anomalies and alert delivery', () => {
  const dashboard = JSON.parse(readFileSync('docs/grafana/parsesphere-keys.json', 'utf8')) as { panels: Chart[] };

  it('shows the findings by rule and the webhook attempts by outcome, failures included', () => {
    const queries = dashboard.panels.flatMap(({ targets }) => targets?.map(({ expr }) => expr) ?? []);
    expect(queries).toContain('sum by (rule) (increase(parsesphere_anomalies_detected_total[1h]))');
    expect(queries).toContain('sum by (outcome) (increase(parsesphere_alert_webhook_deliveries_total[5m]))');
  });
});
