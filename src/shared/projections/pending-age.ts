/** How many sightings of the log's head are kept: at one a readiness probe or monitor sample, over an hour's worth. */
const MAX_SIGHTINGS = 1000;

/**
 * How long the oldest event a projection has not applied has been waiting, for the readiness limit
 * (READINESS_MAX_LAG_MS), the lag gauge and the `projection lagging` line. An event's `recordedAt` is by the clock
 * of whoever appended it (another instance, the CLI, EventStoreDB's server), so its age by this clock was off by their
 * difference: beside an instance 60 s behind, 48 of 100 probes found a caught-up key table 60 s behind, and answered
 * 503. The age is therefore also bounded by this process's monotonic clock, from the log heads it has seen: an event
 * at or before a head seen at t has been in the log since t at least. The smaller of the two is reported: the same as
 * the recorded age when the clocks agree, to within the time between two looks (probes, and the 10 s monitor).
 */
export class PendingAge {
  /** The head positions seen, each with when it was first seen (monotonic ms), both increasing. */
  private readonly sightings: { position: number; atMs: number }[] = [];

  constructor(
    private readonly monotonic: () => number = () => performance.now(),
    private readonly wallClock: () => number = () => Date.now(),
  ) {}

  /** The log's head as read now. */
  sawHead(position: number | null): void {
    if (position === null) return;
    const last = this.sightings.at(-1);
    if (last !== undefined && position <= last.position) return;
    this.sightings.push({ position, atMs: this.monotonic() });
    // Thinned after the first: the oldest sighting keeps its bound, the ones between lose resolution.
    if (this.sightings.length > MAX_SIGHTINGS) this.sightings.splice(1, 1);
  }

  /** Milliseconds the event at `position`, recorded at `recordedAt`, has waited: 0 when none waits. */
  of(position: number | null, recordedAt: string | null): number {
    return this.measure(position, recordedAt).ms;
  }

  /**
   * As `of`, and whether that is only a floor: the event was in the log already when this process first read its head
   * (at its start), so this clock has seen it wait only since then, and its recorded age (another clock's) says it has
   * waited longer. Every pending event of a projection behind at the start is such, and on the first check after a
   * start `ms` is then about 0 (until 2026-12-07 readiness said `lag_ms: 0` for them and nothing more).
   */
  measure(position: number | null, recordedAt: string | null): { ms: number; atLeast: boolean } {
    if (position === null || recordedAt === null) return { ms: 0, atLeast: false };
    const recordedAge = Math.max(0, this.wallClock() - Date.parse(recordedAt));
    const index = this.sightings.findIndex((sighting) => sighting.position >= position);
    const seenAge = index === -1 ? 0 : this.monotonic() - this.sightings[index].atMs;
    return { ms: Math.round(Math.min(recordedAge, seenAge)), atLeast: index === 0 && recordedAge > seenAge };
  }
}
