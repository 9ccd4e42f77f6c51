import { join } from 'node:path';
import { InMemoryAuditLogReadModel } from '../../src/infrastructure/in-memory/in-memory-audit-log-read-model.js';
import { MongoAuditLogReadModel } from '../../src/infrastructure/mongodb/mongodb-audit-log-read-model.js';
import { SqliteAuditLogReadModel } from '../../src/infrastructure/sqlite/sqlite-audit-log-read-model.js';
import { mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { auditLogReadModelContract } from './audit-log-read-model.contract.js';

auditLogReadModelContract('in-memory', async () => {
  const readModel = new InMemoryAuditLogReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

auditLogReadModelContract('sqlite', async () => {
  const dir = makeTempDir('audit-log');
  const readModel = new SqliteAuditLogReadModel(join(dir.path, 'read-model.sqlite'));
  return {
    readModel,
    cleanup: async () => {
      await readModel.close();
      dir.remove();
    },
  };
});

whenMongo('MongoDB audit log read model contract', (url) =>
  auditLogReadModelContract('mongodb', mongoReadModelFixture(url, (client, db) => MongoAuditLogReadModel.open(client, db, 0))),
);
