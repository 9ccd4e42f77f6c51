import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../infrastructure/sqlite/sqlite-event-store.js';
import type { ApiKeyCommand } from '../domain/api-key-decider.js';
import { apiKeyStreamId } from '../domain/api-key-events.js';
import { toHttpError } from '../../shared/http/error-mapping.js';
import { KeyNotFound } from '../domain/api-key-errors.js';
import { KeyChangedByNewerVersion } from '../key-changed-by-newer-version.js';
import { foldApiKeyView } from '../projection/api-key-view.js';
import { decideOnKey } from './decide-on-key.js';

const keyId = '6f1c2a7e-0d9b-4c3e-9a51-2b8f4e7d1c00';
const accountId = 'acct_views';
const actor = null;
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/** Every kind of change a key goes through, in an order the decider accepts. */
const lifecycle: ApiKeyCommand[] = [
  {
    type: 'CreateApiKey',
    keyId,
    accountId,
    actor,
    now: at(0),
    name: 'gateway',
    prefix: 'sk_test1234',
    secretHash: 'a'.repeat(64),
    rateLimit: { requests: 100, perSeconds: 60 },
    defaultRateLimit: { requests: 1000, perSeconds: 60 },
    permissions: null,
    allowedIps: null,
    expiresAt: null,
    maxLifetimeSeconds: null,
  },
  // Fields left undefined are absent once stored: the view must not take them as "set to undefined".
  { type: 'UpdateApiKey', keyId, accountId, actor, now: at(1), changes: { name: undefined, rateLimit: { requests: 5, perSeconds: 1 }, expiresAt: at(3600) }, maxLifetimeSeconds: null },
  { type: 'DisableApiKey', keyId, accountId, actor, now: at(2) },
  { type: 'DisableApiKey', keyId, accountId, actor, now: at(3) },
  { type: 'EnableApiKey', keyId, accountId, actor, now: at(4) },
  { type: 'RollApiKey', keyId, accountId, actor, now: at(5), successorKeyId: '7a2d3b8f-1e0c-4d4f-8b62-3c9a5f8e2d11', graceSeconds: 60, closeWhenIdleSeconds: 30 },
  { type: 'RevokeApiKey', keyId, accountId, actor, now: at(6) },
  { type: 'RevokeApiKey', keyId, accountId, actor, now: at(7) },
];

describe('decideOnKey: the key view a decision answers with', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'psk-decide-on-key-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is, after every kind of change, the view the stream read back from the log folds to', async () => {
    for (const command of lifecycle) {
      const decision = await decideOnKey(store, keyId, () => command, { requestId: null });
      const stored = await store.readStream(apiKeyStreamId(keyId));
      expect({ command: command.type, view: decision.view }).toEqual({ command: command.type, view: foldApiKeyView(stored) });
      expect(decision.view.revision).toBe(decision.revision);
    }
    expect(foldApiKeyView(await store.readStream(apiKeyStreamId(keyId)))).toMatchObject({ name: 'gateway', status: 'revoked', rateLimit: { requests: 5, perSeconds: 1 } });
  });

  it('holds the creation’s position in the log, the listing’s order', async () => {
    await store.appendToStream('other-stream', [{ type: 'Unrelated', schemaVersion: 1, data: {} }], 'any');
    const decision = await decideOnKey(store, keyId, () => lifecycle[0], { requestId: null });
    expect(decision.view.createdPosition).toBe(decision.position);
    expect(decision.view.createdPosition).toBe((await store.readStream(apiKeyStreamId(keyId)))[0].position);
  });
});

describe('decideOnKey on a key with an event a newer version of the service wrote', () => {
  let dir: string;
  let store: SqliteEventStore;
  const newerEvents = [
    ['a type this version does not know', { type: 'KeyFrozen', schemaVersion: 1, data: { keyId, accountId, frozenAt: at(1) } }],
    ['a schema version this version does not know', { type: 'KeyUpdated', schemaVersion: 2, data: { keyId, accountId, updatedAt: at(1), name: 'x', labels: {} } }],
  ] as const;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'psk-decide-newer-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await decideOnKey(store, keyId, () => lifecycle[0], { requestId: null });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const decide = (command: ApiKeyCommand) => decideOnKey(store, keyId, () => command, { requestId: null });

  it.each(newerEvents)('revokes it after %s: the revocation lands after it, and the key reads as revoked', async (_what, newer) => {
    await store.appendToStream(apiKeyStreamId(keyId), [newer], 0);
    const decision = await decide({ type: 'RevokeApiKey', keyId, accountId, actor, now: at(2) });
    expect(decision.events.map((event) => event.type)).toEqual(['KeyRevoked']);
    expect(decision.revision).toBe(2);
    expect(decision.view).toMatchObject({ status: 'revoked', unreadableSince: 1, revision: 2 });
    expect((await store.readStream(apiKeyStreamId(keyId))).map((event) => event.type)).toEqual(['KeyCreated', newer.type, 'KeyRevoked']);
    // Revoked once, a second revocation changes nothing, as before.
    expect((await decide({ type: 'RevokeApiKey', keyId, accountId, actor, now: at(3) })).events).toEqual([]);
  });

  it.each(newerEvents)('refuses any other change after %s with 503, naming it, and appends nothing', async (_what, newer) => {
    await store.appendToStream(apiKeyStreamId(keyId), [newer], 0);
    for (const command of lifecycle.slice(1, 6)) {
      const refusal = await decide(command).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(KeyChangedByNewerVersion);
      expect(toHttpError(refusal).status).toBe(503);
      expect((refusal as Error).message).toContain(`${newer.type} (schema version ${newer.schemaVersion})`);
    }
    expect(await store.readStream(apiKeyStreamId(keyId))).toHaveLength(2);
  });

  it('answers another account as for any key of another account: not found', async () => {
    await store.appendToStream(apiKeyStreamId(keyId), [newerEvents[0][1]], 0);
    await expect(decide({ type: 'RevokeApiKey', keyId, accountId: 'acct_other', actor, now: at(2) })).rejects.toBeInstanceOf(KeyNotFound);
    await expect(decide({ type: 'DisableApiKey', keyId, accountId: 'acct_other', actor, now: at(2) })).rejects.toBeInstanceOf(KeyNotFound);
  });
});
