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
    if (position === null || recordedAt === null) return 0;
    const recordedAge = Math.max(0, this.wallClock() - Date.parse(recordedAt));
    const seen = this.sightings.find((sighting) => sighting.position >= position);
    const seenAge = seen === undefined ? 0 : this.monotonic() - seen.atMs;
    return Math.round(Math.min(recordedAge, seenAge));
  }
}
