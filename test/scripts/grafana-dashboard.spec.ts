import { readFileSync } from 'node:fs';

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
