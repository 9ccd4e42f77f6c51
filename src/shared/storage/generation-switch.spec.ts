import { jest } from '@jest/globals';
import { GenerationSwitch } from './generation-switch.js';
import type { ReadModelGenerations } from './read-model-generations.js';
import type { ReadModelStorage } from './read-model-storage.port.js';

/** A storage of one generation with one store, `views`, which says which generation it reads. */
class FakeStorage implements ReadModelStorage {
  closed = false;
  opened = 0;
  constructor(
    readonly generation: number,
    private readonly failToOpen = false,
  ) {}
  generations(): ReadModelGenerations {
    throw new Error('not used');
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {
    this.closed = true;
  }
  async views(): Promise<{ read(): string; close(): Promise<void> }> {
    if (this.failToOpen) throw new Error(`generation ${this.generation} cannot be opened`);
    this.opened += 1;
    const generation = this.generation;
    return { read: () => `views of generation ${generation}`, close: async () => undefined };
  }
}

describe('GenerationSwitch', () => {
  afterEach(() => jest.useRealTimers());

  it('hands out stand-ins that follow a switch, after opening on the new generation every store opened so far', async () => {
    const next = new FakeStorage(1);
    const generations = new GenerationSwitch<FakeStorage>(new FakeStorage(0), async () => next, 0);
    const views = await generations.storage.views();
    expect(views.read()).toBe('views of generation 0');
    expect(generations.storage.generation).toBe(0);

    await generations.switchTo(1);
    expect(next.opened).toBe(1);
    expect(views.read()).toBe('views of generation 1');
    expect(generations.storage.generation).toBe(1);
    expect(await generations.storage.views()).toBe(views);
  });

  it('keeps the previous generation open for reads under way, then closes it', async () => {
    jest.useFakeTimers();
    const first = new FakeStorage(0);
    const generations = new GenerationSwitch<FakeStorage>(first, async (generation) => new FakeStorage(generation), 10_000);
    await generations.storage.views();
    await generations.switchTo(1);
    expect(first.closed).toBe(false);
    jest.advanceTimersByTime(10_000);
    await Promise.resolve();
    expect(first.closed).toBe(true);
  });

  it('stays on its generation when the new one cannot be opened, and closes what it opened of it', async () => {
    const broken = new FakeStorage(1, true);
    const generations = new GenerationSwitch<FakeStorage>(new FakeStorage(0), async () => broken, 0);
    const views = await generations.storage.views();
    await expect(generations.switchTo(1)).rejects.toThrow('generation 1 cannot be opened');
    expect(generations.generation).toBe(0);
    expect(views.read()).toBe('views of generation 0');
    expect(broken.closed).toBe(true);
  });

  it('closes the current generation and those still left open when it closes', async () => {
    const first = new FakeStorage(0);
    const second = new FakeStorage(1);
    const generations = new GenerationSwitch<FakeStorage>(first, async () => second, 60_000);
    await generations.switchTo(1);
    await generations.storage.close();
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(true);
  });
});
