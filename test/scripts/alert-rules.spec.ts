import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * docs/grafana/alert-rules.yml: every alert says what is wrong and links its runbook section in docs/operations.md, and
 * `promtool test rules` runs docs/grafana/alert-rules.test.yml (series taken from real /metrics during each incident:
 * each alert fires on its incident and not on the healthy series). promtool is a Go binary the npm tree does not
 * hold: PROMTOOL names it, else `promtool` on PATH; without either the promtool part is skipped with one line.
 */
const RULES = 'docs/grafana/alert-rules.yml';
const TESTS = 'docs/grafana/alert-rules.test.yml';

function promtool(): string | null {
  const explicit = process.env.PROMTOOL;
  if (explicit) {
    if (spawnSync(explicit, ['--version']).status !== 0) throw new Error(`PROMTOOL=${explicit} is not a promtool that runs`);
    return explicit;
  }
  return spawnSync('promtool', ['--version']).status === 0 ? 'promtool' : null;
}

function alerts(): { name: string; annotations: string }[] {
  const text = readFileSync(RULES, 'utf8');
  return text.split(/^\s+- alert: /m).slice(1).map((block) => ({ name: block.split('\n')[0].trim(), annotations: block }));
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map(([, title]) => title);
  return new Set(headings.map((title) => title.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

describe('docs/grafana/alert-rules.yml', () => {
  it('gives every alert a severity, a summary, a description and a runbook_url to a section of docs/operations.md', () => {
    const sections = anchors(readFileSync('docs/operations.md', 'utf8'));
    const list = alerts();
    expect(list.length).toBeGreaterThanOrEqual(8);
    for (const { name, annotations } of list) {
      expect({ name, severity: /^\s+severity: (critical|warning)$/m.test(annotations) }).toEqual({ name, severity: true });
      expect({ name, summary: /^\s+summary: /m.test(annotations), description: /^\s+description: /m.test(annotations) }).toEqual({
        name,
        summary: true,
        description: true,
      });
      const runbook = /^\s+runbook_url: docs\/operations\.md#(\S+)$/m.exec(annotations)?.[1];
      expect({ name, runbook, found: runbook !== undefined && sections.has(runbook) }).toEqual({ name, runbook, found: true });
    }
  });

  it('has a promtool unit test for every alert (alert-rules.test.yml names each in an alertname)', () => {
    const tested = new Set([...readFileSync(TESTS, 'utf8').matchAll(/alertname: (\S+)/g)].map(([, name]) => name));
    expect(alerts().map(({ name }) => name).filter((name) => !tested.has(name))).toEqual([]);
  });

  const binary = promtool();
  if (!binary) process.stdout.write('promtool rule tests skipped: no promtool (set PROMTOOL or put promtool on PATH)\n');
  (binary ? it : it.skip)('passes `promtool check rules` and `promtool test rules` (the incidents\' series)', () => {
    const check = spawnSync(binary!, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout + check.stderr }).toMatchObject({ status: 0 });
    const test = spawnSync(binary!, ['test', 'rules', TESTS], { encoding: 'utf8' });
    expect({ status: test.status, output: test.stdout + test.stderr }).toMatchObject({ status: 0 });
  });
});
