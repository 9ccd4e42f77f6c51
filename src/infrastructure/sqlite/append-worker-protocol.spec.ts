import { packAppends, unpackAppends } from './append-worker-protocol.js';

describe('the append worker protocol', () => {
  it('carries every append and event across, encoded, in order', () => {
    const packed = packAppends([
      {
        streamId: 'usage-a',
        expectedRevision: 'any',
        events: [
          { id: 'e1', type: 'KeyUsed', schemaVersion: 1, data: { n: 1, text: 'quote " and \\ and é' }, metadata: { requestId: 'r1' } },
          { id: 'e2', type: 'KeyUsed', schemaVersion: 2, data: { n: 2 } },
        ],
      },
      { streamId: 'key-b', expectedRevision: 3, events: [{ id: 'e3', type: 'KeyRevoked', schemaVersion: 1, data: {} }] },
      { streamId: 'key-c', expectedRevision: 'no_stream', events: [] },
    ]);
    expect(packed.every((value) => typeof value === 'string' || typeof value === 'number')).toBe(true);
    expect(unpackAppends(packed)).toEqual([
      {
        streamId: 'usage-a',
        expectedRevision: 'any',
        events: [
          { id: 'e1', type: 'KeyUsed', schemaVersion: 1, data: '{"n":1,"text":"quote \\" and \\\\ and é"}', metadata: '{"requestId":"r1"}' },
          { id: 'e2', type: 'KeyUsed', schemaVersion: 2, data: '{"n":2}', metadata: '{}' },
        ],
      },
      { streamId: 'key-b', expectedRevision: 3, events: [{ id: 'e3', type: 'KeyRevoked', schemaVersion: 1, data: '{}', metadata: '{}' }] },
      { streamId: 'key-c', expectedRevision: 'no_stream', events: [] },
    ]);
  });

  it('gives an event without an id one, so that a retried batch writes it once', () => {
    const [append] = unpackAppends(packAppends([{ streamId: 's', expectedRevision: 'any', events: [{ type: 'T', schemaVersion: 1, data: {} }] }]));
    expect(append.events[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
