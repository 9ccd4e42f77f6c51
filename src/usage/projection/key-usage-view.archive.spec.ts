import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { archiveEnd, USAGE_ARCHIVED, type UsageArchivedData } from '../domain/usage-archived.js';
import { applyToKeyUsageView, totalsOf, usageThrough, type KeyUsageView } from './key-usage-view.js';

const HOUR_MS = 3_600_000;
const OUTCOMES = ['accepted', 'rate_limited', 'refused'] as const;

/** One key's usage stream as the log holds it: every event appended, and the revision before which they were removed. */
class UsageStream {
  readonly appended: RecordedEvent[] = [];
  removedBefore = 0;
  /** Revisions a removal cut short took (the embedded store removes a stream's start newest first, a chunk at a time). */
  private readonly removedNewest = new Set<number>();
  private position = 0;

  constructor(private readonly random: () => number) {}

  /** The events a read of the log finds now. */
  get held(): RecordedEvent[] {
    return this.appended.filter((event) => event.revision >= this.removedBefore && !this.removedNewest.has(event.revision));
  }

  use(at: number): void {
    const usedAt = new Date(at).toISOString();
    const outcome = OUTCOMES[Math.floor(this.random() * 3)];
    const ip = `203.0.113.${Math.floor(this.random() * 4)}`;
    this.append('KeyUsed', { keyId: 'k1', accountId: 'acme', usedAt, requestId: 'r', ip, userAgent: `ua-${ip}`, method: 'GET', path: '/v1/x', outcome });
  }

  /**
   * What archive-usage does: the totals through the revision (and the archives and other events right after it),
   * appended, then (unless cut short) the start removed; `removed` a number: cut short after removing the newest of
   * them from that revision on.
   */
  archive(through: number, removed: boolean | number = true): void {
    const throughRevision = archiveEnd(this.held, through);
    const totals = totalsOf(usageThrough(this.held, throughRevision)!);
    const data: UsageArchivedData = {
      keyId: 'k1',
      accountId: 'acme',
      archivedAt: '2026-06-01T00:00:00.000Z',
      before: '2026-05-01T00:00:00.000Z',
      throughRevision,
      events: throughRevision + 1 - this.removedBefore,
      file: 'usage-archive.jsonl.gz',
      fileSha256: '0'.repeat(64),
      totals,
    };
    this.append(USAGE_ARCHIVED, data as unknown as Record<string, unknown>);
    if (removed === true) this.removedBefore = throughRevision + 1;
    else if (removed !== false) for (let revision = Math.max(removed, this.removedBefore); revision <= throughRevision; revision++) this.removedNewest.add(revision);
  }

  private append(type: string, data: Record<string, unknown>): void {
    const revision = this.appended.length;
    this.appended.push({ id: `e${revision}`, streamId: 'api_key_usage-k1', type, schemaVersion: 1, data, metadata: {}, revision, position: ++this.position, recordedAt: '' });
  }
}

const fold = (events: readonly RecordedEvent[], start?: KeyUsageView) => events.reduce<KeyUsageView | undefined>(applyToKeyUsageView, start);

/** What a view shows; the revision it reached and where it counts from differ between a live view and a rebuilt one. */
function figures(view: KeyUsageView | undefined) {
  if (!view) return undefined;
  const { accepted, rateLimited, refused, firstUsedAt, lastUsedAt, lastIp, lastUserAgent, hourly } = view;
  return { accepted, rateLimited, refused, firstUsedAt, lastUsedAt, lastIp, lastUserAgent, hourly };
}

/**
 * A history of uses (some logged late, out of time order) and archives of the stream's start (some cut short before
 * their removal, as by a crash, and run again), with a read model that follows the log live and one rebuilt from the
 * log at a random moment, reading it a little at a time while later archives remove what it has not read yet.
 */
function scenario(seed: number) {
  const random = seededRandom(seed);
  const stream = new UsageStream(random);
  let clock = Date.parse('2026-01-01T00:00:00.000Z');
  let live: KeyUsageView | undefined;
  let liveRead = 0;
  const rebuildStartsAt = Math.floor(random() * 40);
  let rebuilt: KeyUsageView | undefined;
  let rebuiltPosition = 0;
  const readOn = (count: number) => {
    const next = stream.held.filter((event) => event.position > rebuiltPosition).slice(0, count);
    rebuilt = fold(next, rebuilt);
    if (next.length > 0) rebuiltPosition = next[next.length - 1].position;
  };
  for (let step = 0; step < 40; step++) {
    const uses = Math.floor(random() * 12);
    for (let i = 0; i < uses; i++) {
      clock += Math.floor(random() * 6 * HOUR_MS);
      // One use in five is logged late: made up to three days before the last.
      stream.use(random() < 0.2 ? clock - Math.floor(random() * 72 * HOUR_MS) : clock);
    }
    if (stream.appended.length > stream.removedBefore && random() < 0.35) {
      const last = stream.appended.length - 1;
      const through = stream.removedBefore + Math.floor(random() * (last - stream.removedBefore + 1));
      const cut = random();
      // One run in ten is cut short before its removal, one in ten during it.
      stream.archive(through, cut < 0.1 ? false : cut < 0.2 ? stream.removedBefore + Math.floor(random() * (through - stream.removedBefore + 1)) : true);
    }
    live = fold(stream.appended.slice(liveRead), live);
    liveRead = stream.appended.length;
    if (step >= rebuildStartsAt) readOn(Math.floor(random() * 8));
  }
  readOn(Infinity);
  return { stream, live, rebuilt, afterAll: fold(stream.held) };
}

describe('usage views over archived uses', () => {
  it('count the same, live or rebuilt from what the log holds, whenever uses are archived (300 seeded histories)', () => {
    let archived = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { stream, live, rebuilt, afterAll } = scenario(seed);
      archived += stream.removedBefore;
      expect({ seed, view: figures(afterAll) }).toEqual({ seed, view: figures(live) });
      expect({ seed, view: figures(rebuilt) }).toEqual({ seed, view: figures(live) });
    }
    // The histories did archive, many uses in all: the comparison is not of streams left whole.
    expect(archived).toBeGreaterThan(3000);
  });

  it('makes a view of an archive alone: a key whose every use was archived', () => {
    const stream = new UsageStream(seededRandom(7));
    for (let i = 0; i < 5; i++) stream.use(Date.parse('2026-01-01T10:00:00.000Z') + i * 60_000);
    const whole = fold(stream.appended);
    stream.archive(4);
    expect(stream.held.map((event) => event.type)).toEqual([USAGE_ARCHIVED]);
    const view = fold(stream.held);
    // The same figures, but no address or user agent: those left the log with the uses (docs/personal-data.md).
    expect(figures(view)).toEqual({ ...figures(whole), lastIp: null, lastUserAgent: null });
    expect(view).toMatchObject({ countedFrom: 0, revision: 5, archive: { throughRevision: 4, revision: 5, before: '2026-05-01T00:00:00.000Z' } });
  });

  it('adds an archive only to a view counting from just after it: twice the same archive, or an older one, adds nothing', () => {
    const stream = new UsageStream(seededRandom(8));
    for (let i = 0; i < 6; i++) stream.use(Date.parse('2026-01-01T10:00:00.000Z') + i * 60_000);
    const whole = fold(stream.appended)!;
    stream.archive(2, false);
    stream.archive(3);
    // Held: uses 4 and 5, the archive through 2 (left by a run cut short) and the one through 3.
    const rebuilt = fold(stream.held);
    expect(figures(rebuilt)).toEqual(figures(whole));
    expect(rebuilt!.accepted + rebuilt!.rateLimited + rebuilt!.refused).toBe(6);
    const replayed = fold(stream.held, structuredClone(rebuilt));
    expect(figures(replayed)).toEqual(figures(whole));
  });

  it('counts every use past an event type a newer version wrote, read (a whole-stream replay) or not (the projection)', () => {
    const stream = new UsageStream(seededRandom(9));
    stream.use(Date.parse('2026-01-01T10:00:00.000Z'));
    const newer = { ...stream.appended[0], id: 'n', type: 'KeyUseAnnotated', revision: 1, position: 99 };
    stream.use(Date.parse('2026-01-01T10:01:00.000Z'));
    const [first, second] = stream.appended;
    const later = { ...second, revision: 2, position: 100 };
    expect(fold([first, newer, later])).toMatchObject({ revision: 2, countedFrom: 0 });
    // Not read, it leaves a gap that no archive ends: the figures stay as counted.
    const view = fold([first, later])!;
    expect(view.accepted + view.rateLimited + view.refused).toBe(2);
    expect(figures(view)).toEqual(figures(fold([first, newer, later])));
  });
});
