import { replayProgress } from './replay-progress.js';

function recorded(isTTY: boolean) {
  const written: string[] = [];
  return { output: { isTTY, write: (text: string) => written.push(text) }, written };
}

const pages = Array.from({ length: 40 }, (_, page) => ({ events: (page + 1) * 5000, position: (page + 1) * 5000, head: 200_000 }));

describe('replayProgress', () => {
  it('redraws one bar in place on a terminal, and ends its line', () => {
    const { output, written } = recorded(true);
    const progress = replayProgress(output);
    for (const page of pages) progress.draw(page);
    progress.end();
    expect(written).toHaveLength(41);
    expect(written[19]).toBe(`\r[${'#'.repeat(15)}${' '.repeat(15)}] 50% 100000 events`);
    expect(written.at(-1)).toBe('\n');
  });

  it('writes a line at each 10% elsewhere (a cron log), no carriage returns (until 2026-12-06: 40 frames on one line)', () => {
    const { output, written } = recorded(false);
    const progress = replayProgress(output);
    for (const page of pages) progress.draw(page);
    progress.end();
    const lines = [[3, 5000], ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((step) => [step * 10, step * 20_000])];
    expect(written).toEqual(lines.map(([percent, events]) => `replay: ${percent}% of the log read, ${events} events\n`));
    expect(written.join('')).not.toContain('\r');
  });

  it('says a log read at once (an empty log, or one page) in one line', () => {
    const { output, written } = recorded(false);
    const progress = replayProgress(output);
    progress.draw({ events: 0, position: 0, head: 0 });
    progress.end();
    expect(written).toEqual(['replay: 100% of the log read, 0 events\n']);
  });
});
