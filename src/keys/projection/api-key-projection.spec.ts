import { InMemoryApiKeyReadModel } from '../../infrastructure/in-memory/in-memory-api-key-read-model.js';
import { recordedKeyCreated, recordedKeyEvent, recordedKeyRevoked } from '../../../test/support/recorded-key-events.js';
import { ViewProjection } from '../../shared/projections/view-projection.js';
import { apiKeyProjectionWarning } from './api-key-projection.js';

const event = recordedKeyEvent;
const created = (keyId: string) => recordedKeyCreated(keyId, { name: keyId });
const revoked = recordedKeyRevoked;

describe('The stored key views and an event a newer version of the service wrote', () => {
  it('mark that key’s view, keep folding what they can read, go on with every other key, and warn once for it', async () => {
    const store = new InMemoryApiKeyReadModel();
    const warnings: string[] = [];
    const projection = new ViewProjection(apiKeyProjectionWarning((message) => warnings.push(message)), store);
    await projection.handle([created('a'), created('b')]);
    await projection.handle([event('a', 'KeyUpdated', 1, { updatedAt: 'x', name: 'x' }, 2), event('a', 'KeyUpdated', 2, { updatedAt: 'y' }, 2), revoked('b', 1)]);
    const last = revoked('a', 3);
    await projection.handle([last]);
    expect(await store.findById('acme', 'a')).toMatchObject({ name: 'a', status: 'revoked', unreadableSince: 1, revision: 3 });
    expect(await store.findById('acme', 'b')).toMatchObject({ status: 'revoked', unreadableSince: null, revision: 1 });
    expect(await store.getCheckpoint()).toBe(last.position);
    expect(warnings).toEqual([expect.stringContaining('Key view a: KeyUpdated (schema version 2) at revision 1')]);
  });

  it('say once that a key whose creation this version cannot read is unknown here', async () => {
    const store = new InMemoryApiKeyReadModel();
    const warnings: string[] = [];
    const projection = new ViewProjection(apiKeyProjectionWarning((message) => warnings.push(message)), store);
    await projection.handle([event('n', 'KeyCreated', 0, { keyId: 'n' }, 99), revoked('n', 1), created('c')]);
    expect(await store.findById('acme', 'n')).toBeNull();
    expect(await store.findById('acme', 'c')).not.toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^Key n: KeyCreated \(schema version 99\) was written by a newer version .* refuses it as unknown/)]);
  });
});
