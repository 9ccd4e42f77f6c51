import type { RebuildProgress } from '../app/projections/rebuild-projections.js';

const BAR_WIDTH = 30;
const STEP_PERCENT = 10;

export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * replay's progress on stderr: a bar redrawn in place on a terminal; elsewhere (a cron job's log, a CI step) a line at
 * each 10% passed, since a redrawn bar there is one line of hundreds of frames joined by carriage returns.
 */
export function replayProgress(output: ProgressOutput): { draw(progress: RebuildProgress): void; end(): void } {
  let lastStep = -1;
  let drawn = false;
  return {
    draw({ events, position, head }) {
      const share = head > 0 ? Math.min(1, position / head) : 1;
      const percent = (share * 100).toFixed(0);
      if (output.isTTY) {
        const filled = Math.round(share * BAR_WIDTH);
        output.write(`\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${percent}% ${events} events`);
        drawn = true;
        return;
      }
      const step = Math.floor((share * 100) / STEP_PERCENT);
      if (step === lastStep) return;
      lastStep = step;
      output.write(`replay: ${percent}% of the log read, ${events} events\n`);
    },
    end() {
      if (drawn) output.write('\n');
    },
  };
}
