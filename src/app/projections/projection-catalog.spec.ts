import { AnomaliesMetrics } from '../../anomalies/metrics/anomalies-metrics.js';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryReadModelStorage } from '../../infrastructure/in-memory/in-memory-read-model-storage.js';
import { KeyTable } from '../../keys/authentication/key-table.js';
import { loadEnvironment } from '../../shared/config/environment.js';
import type { ProjectionContext } from '../../shared/projections/projection-declaration.js';
import { nothingProvided, openProjections } from './open-projections.js';
import { API_KEY_EVENT_TYPES } from '../../keys/domain/api-key-events.js';
import { KNOWN_EVENT_TYPES, PROJECTIONS } from './projection-catalog.js';

describe('The projection catalog', () => {
  const context = (storage: InMemoryReadModelStorage, env: Record<string, string> = {}) => {
    const keyTable = new KeyTable({ getCheckpoint: async () => null, allViews: async function* () {} });
    // What the request thread's projections take from Nest: the key table, and the webhook's delivery counters.
    const anomaliesMetrics = new AnomaliesMetrics();
    const provided: ProjectionContext<unknown>['provided'] = (token) => {
      if ((token as unknown) === KeyTable) return keyTable as never;
      if ((token as unknown) === AnomaliesMetrics) return anomaliesMetrics as never;
      throw new Error(`unexpected ${token.name}`);
    };
    return { store: new InMemoryEventStore(), storage, config: loadEnvironment(env), log: () => undefined, provided, publish: () => undefined, keyTable };
  };

  it('declares every projection once, each placed on one thread', () => {
    const names = PROJECTIONS.map((declaration) => declaration.name);
    expect(new Set(names).size).toBe(names.length);
    expect(PROJECTIONS.map(({ name, runsOn, role, rebuiltByReplay }) => [name, runsOn, role, rebuiltByReplay])).toEqual([
      ['api-keys', 'projection-thread', 'background', true],
      ['key-table', 'request-thread', 'read-model', false],
      ['audit-log', 'request-thread', 'statistics', true],
      ['key-usage', 'projection-thread', 'statistics', true],
      ['alerts', 'request-thread', 'statistics', true],
      ['anomaly-detector', 'projection-thread', 'background', false],
      ['alert-webhook', 'request-thread', 'background', false],
    ]);
  });

  it('knows every key event type this version writes, KeySecretReissued included: none is fed to the key views as a newer version\'s', () => {
    expect(KNOWN_EVENT_TYPES).toEqual(expect.arrayContaining([...API_KEY_EVENT_TYPES]));
    expect(KNOWN_EVENT_TYPES).toContain('KeySecretReissued');
  });

  it('builds each projection from the storage it is given, sharing the stores the feature modules bind', async () => {
    const storage = new InMemoryReadModelStorage();
    const ctx = context(storage);
    const opened = await openProjections(PROJECTIONS, ctx);
    // Delivery is off without ALERT_WEBHOOK_URL; everything else is built, under its declared name.
    expect(opened.map(({ projection }) => projection.name)).toEqual(['api-keys', 'key-table', 'audit-log', 'key-usage', 'alerts', 'anomaly-detector']);
    expect(opened.find(({ projection }) => projection.name === 'key-table')?.projection).toBe(ctx.keyTable);
    // The api-keys view writes to the very read model the storage hands to the keys module.
    await opened[0].projection.saveCheckpoint(7);
    expect(await (await storage.apiKeyReadModel()).getCheckpoint()).toBe(7);
    await storage.close();
  });

  it('builds alert delivery when it is configured, starting at the end of the log', async () => {
    const storage = new InMemoryReadModelStorage();
    const ctx = context(storage, { ALERT_WEBHOOK_URL: 'http://127.0.0.1:8443/alerts', ALERT_WEBHOOK_SECRET: 'a-secret-of-16-chars' });
    await ctx.store.appendToStream('s-1', [{ type: 'Whatever', schemaVersion: 1, data: {} }], 'any');
    const opened = await openProjections(PROJECTIONS, ctx);
    expect(opened.map(({ projection }) => projection.name)).toContain('alert-webhook');
    expect(await (await storage.deliveryCheckpointStore()).get('alert-webhook')).toBe(await ctx.store.headPosition());
    await storage.close();
  });

  it('refuses, off the request thread, a projection that needs the request thread’s providers', async () => {
    const ctx = { ...context(new InMemoryReadModelStorage()), provided: nothingProvided('on the projection thread') };
    await expect(openProjections(PROJECTIONS, ctx)).rejects.toThrow('KeyTable is provided only on the request thread, not on the projection thread');
  });
});
