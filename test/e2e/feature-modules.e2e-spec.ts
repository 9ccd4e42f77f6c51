import { Global, Module, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { AnomaliesModule } from '../../src/anomalies/anomalies.module.js';
import { ALERT_READ_MODEL } from '../../src/anomalies/projection/alert-read-model.port.js';
import { ConfigurationModule } from '../../src/app/configuration.module.js';
import { InMemoryEventStore } from '../../src/infrastructure/in-memory/in-memory-event-store.js';
import { InProcessRateLimitStore } from '../../src/infrastructure/in-memory/in-process-rate-limit-store.js';
import { InMemoryReadModelStorage } from '../../src/infrastructure/in-memory/in-memory-read-model-storage.js';
import { KeyTable } from '../../src/keys/authentication/key-table.js';
import { KeysModule } from '../../src/keys/keys.module.js';
import { API_KEY_READ_MODEL } from '../../src/keys/projection/api-key-read-model.port.js';
import { loadEnvironment } from '../../src/shared/config/environment.js';
import { EVENT_STORE } from '../../src/shared/event-store/event-store.port.js';
import { ProjectionProgress } from '../../src/shared/projections/projection-progress.js';
import { RATE_LIMIT_STORE } from '../../src/shared/rate-limit/rate-limit-store.port.js';
import { REVOCATION_CONFIRMATIONS } from '../../src/shared/projections/revocation-confirmations.port.js';
import { READ_MODEL_STORAGE } from '../../src/shared/storage/read-model-storage.port.js';
import { KEY_USAGE_READ_MODEL } from '../../src/usage/projection/key-usage-read-model.port.js';
import { UsageModule } from '../../src/usage/usage.module.js';

/** Only what src/app provides to every feature: an event store, a read-model storage, read-your-writes, the rate-limit store and the revocation confirmations. */
@Global()
@Module({
  providers: [
    { provide: EVENT_STORE, useValue: new InMemoryEventStore() },
    { provide: READ_MODEL_STORAGE, useFactory: () => new InMemoryReadModelStorage() },
    { provide: ProjectionProgress, useValue: { caughtUpTo: async () => undefined, inForce: async () => undefined } },
    { provide: RATE_LIMIT_STORE, useValue: new InProcessRateLimitStore() },
    { provide: REVOCATION_CONFIRMATIONS, useValue: { confirm: async () => null } },
  ],
  exports: [EVENT_STORE, READ_MODEL_STORAGE, ProjectionProgress, RATE_LIMIT_STORE, REVOCATION_CONFIRMATIONS],
})
class PortsOnly {}

async function compile(feature: Type) {
  return Test.createTestingModule({
    imports: [ConfigurationModule.forRoot(loadEnvironment({})), CqrsModule.forRoot(), PortsOnly, feature],
  }).compile();
}

/** Each feature module starts on the shared ports alone: it binds its own stores, without src/app's modules. */
describe('Feature modules wire themselves', () => {
  it('keys: its read model from the storage, and the key table on it', async () => {
    const module = await compile(KeysModule);
    const storage = module.get<InMemoryReadModelStorage>(READ_MODEL_STORAGE);
    expect(module.get(API_KEY_READ_MODEL, { strict: false })).toBe(await storage.apiKeyReadModel());
    expect(module.get(KeyTable, { strict: false })).toBeInstanceOf(KeyTable);
    await module.close();
  });

  it('usage: its read model from the storage', async () => {
    const module = await compile(UsageModule);
    expect(module.get(KEY_USAGE_READ_MODEL, { strict: false })).toBe(await module.get<InMemoryReadModelStorage>(READ_MODEL_STORAGE).keyUsageReadModel());
    await module.close();
  });

  it('anomalies: its read model from the storage', async () => {
    const module = await compile(AnomaliesModule);
    expect(module.get(ALERT_READ_MODEL, { strict: false })).toBe(await module.get<InMemoryReadModelStorage>(READ_MODEL_STORAGE).alertReadModel());
    await module.close();
  });
});
