import type { ReadModelStorage } from './read-model-storage.port.js';

/** The service's GenerationSwitch, beside READ_MODEL_STORAGE (which is its `storage`). */
export const GENERATION_SWITCH = Symbol('GENERATION_SWITCH');

/** What a storage does itself rather than open a store: answered by whichever generation is current. */
const OWN_MEMBERS = new Set<PropertyKey>(['generation', 'generations', 'ping', 'close']);

/** How long the stores of the generation switched away from stay open, for the reads already under way on them. */
const CLOSE_PREVIOUS_AFTER_MS = 10_000;

type Opener = () => Promise<object>;

/**
 * A read-model storage whose generation can change while it serves: `storage` opens stores like the storage
 * it wraps, but each store it hands out is a stable stand-in for that store on the current generation, so the
 * ports bound once at start (the features' providers, the projections) follow a switch. switchTo() opens the
 * new generation and its stores before it swaps, so no call ever meets a half-opened generation; the previous
 * generation's stores close a little later. Written for any storage technology and any feature's stores: a
 * method of the storage that is not one of its own members is taken to open a store.
 */
export class GenerationSwitch<S extends ReadModelStorage> {
  readonly storage: S;
  private current: S;
  /** The stores opened so far on the current generation, by the storage method that opened them. */
  private stores = new Map<PropertyKey, object>();
  private readonly standIns = new Map<PropertyKey, object>();
  /** Generations switched away from, each with the timer that closes it. */
  private readonly previous = new Map<S, NodeJS.Timeout>();

  constructor(
    initial: S,
    private readonly openAt: (generation: number) => Promise<S>,
    private readonly closePreviousAfterMs = CLOSE_PREVIOUS_AFTER_MS,
  ) {
    this.current = initial;
    this.storage = new Proxy({} as S, { get: (_, member) => this.member(member) });
  }

  get generation(): number {
    return this.current.generation;
  }

  /** Opens `generation` and every store opened so far on it, then serves it; the previous one closes later. */
  async switchTo(generation: number): Promise<void> {
    const next = await this.openAt(generation);
    const stores = new Map<PropertyKey, object>();
    try {
      for (const opener of this.stores.keys()) stores.set(opener, await (next[opener as keyof S] as Opener).call(next));
    } catch (error) {
      await next.close().catch(() => undefined);
      throw error;
    }
    const previous = this.current;
    this.current = next;
    this.stores = stores;
    const timer = setTimeout(() => {
      this.previous.delete(previous);
      void previous.close().catch(() => undefined);
    }, this.closePreviousAfterMs);
    timer.unref();
    this.previous.set(previous, timer);
  }

  private member(member: PropertyKey): unknown {
    if (member === 'close') return () => this.close();
    const value = this.current[member as keyof S];
    if (typeof value !== 'function') return value;
    if (OWN_MEMBERS.has(member)) return value.bind(this.current);
    return () => this.standIn(member);
  }

  private async standIn(opener: PropertyKey): Promise<object> {
    if (!this.stores.has(opener)) this.stores.set(opener, await (this.current[opener as keyof S] as Opener).call(this.current));
    let standIn = this.standIns.get(opener);
    if (!standIn) {
      const store = () => this.stores.get(opener) as Record<PropertyKey, unknown>;
      standIn = new Proxy(
        {},
        {
          get: (_, member) => {
            const value = store()[member];
            return typeof value === 'function' ? value.bind(store()) : value;
          },
          // A member replaced through the stand-in is replaced on the store it stands for now.
          set: (_, member, value) => {
            store()[member] = value;
            return true;
          },
        },
      );
      this.standIns.set(opener, standIn);
    }
    return standIn;
  }

  private async close(): Promise<void> {
    // Generations still left open for reads under way close now, with the current one.
    const previous = [...this.previous];
    this.previous.clear();
    for (const [storage, timer] of previous) {
      clearTimeout(timer);
      await storage.close().catch(() => undefined);
    }
    await this.current.close();
  }
}
