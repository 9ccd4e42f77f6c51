import { ThreadProjection } from './thread-projection.js';

describe('ThreadProjection', () => {
  it('wakes the projection thread when waited for at a position not yet reported, not when it is', async () => {
    let wakes = 0;
    const projection = new ThreadProjection({ name: 'key-usage', eventTypes: ['KeyUsed'] }, () => wakes++);
    projection.report({ name: 'key-usage', running: true, failing: false, position: 5, lastError: null });
    await projection.waitUntilProcessed(5, 1000);
    expect(wakes).toBe(0);

    // Position 7 may be an event of a type this projection does not read: its append woke nothing there.
    const waiting = projection.waitUntilProcessed(7, 1000);
    expect(wakes).toBe(1);
    projection.report({ name: 'key-usage', running: true, failing: false, position: 7, lastError: null });
    await waiting;
  });
});
