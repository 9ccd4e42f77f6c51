import { PeriodicTask } from './periodic-task.js';

describe('PeriodicTask', () => {
  it('shares a run in progress instead of starting another, and runs again once it ended', async () => {
    let runs = 0;
    let finish: () => void = () => undefined;
    const task = new PeriodicTask(() => new Promise<void>((resolve) => ((runs += 1), (finish = resolve))), 60_000);
    const first = task.runOnce();
    expect(task.runOnce()).toBe(first);
    finish();
    await first;
    const second = task.runOnce();
    finish();
    await second;
    expect(runs).toBe(2);
  });

  it('runs every interval once started, and stop() waits for the run in progress', async () => {
    let runs = 0;
    let ended = false;
    const task = new PeriodicTask(async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 30));
      ended = true;
    }, 10);
    task.start();
    await new Promise((resolve) => setTimeout(resolve, 15));
    await task.stop();
    expect(ended).toBe(true);
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(stoppedAt);
  });
});
