import type { Collection, MongoClient } from 'mongodb';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';
import { createMissingCollections } from './mongo-collections.js';
import { openOnMongo } from './mongo-connection.js';

interface HeartbeatDocument {
  _id: string;
  host: string;
  pid: number;
  beatAt: Date;
}

const HEARTBEATS = 'service_heartbeats';

/** The heartbeats of the services using a MongoDB database, in a collection of their own, on a client of their own. */
export class MongoServiceHeartbeats implements ServiceHeartbeats {
  private constructor(
    private readonly client: MongoClient,
    private readonly heartbeats: Collection<HeartbeatDocument>,
  ) {}

  static async connect(url: string, dbName: string): Promise<MongoServiceHeartbeats> {
    return openOnMongo(url, dbName, async ({ client, db }) => {
      await createMissingCollections(db, [HEARTBEATS]);
      return new MongoServiceHeartbeats(client, db.collection<HeartbeatDocument>(HEARTBEATS));
    });
  }

  async beat({ holder, host, pid, beatAt }: ServiceHeartbeat): Promise<void> {
    await this.heartbeats.updateOne({ _id: holder }, { $set: { host, pid, beatAt } }, { upsert: true });
  }

  async forget(holders: readonly string[]): Promise<void> {
    if (holders.length > 0) await this.heartbeats.deleteMany({ _id: { $in: [...holders] } });
  }

  async end(holder: string): Promise<void> {
    await this.heartbeats.deleteOne({ _id: holder });
  }

  async since(since: Date): Promise<ServiceHeartbeat[]> {
    const documents = await this.heartbeats.find({ beatAt: { $gte: since } }).sort({ beatAt: -1 }).toArray();
    return documents.map((d) => ({ holder: d._id, host: d.host, pid: d.pid, beatAt: d.beatAt }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
