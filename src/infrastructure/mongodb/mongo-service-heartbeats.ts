import type { Collection, MongoClient } from 'mongodb';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';
import { connectMongo } from './mongo-connection.js';

interface HeartbeatDocument {
  _id: string;
  host: string;
  pid: number;
  beatAt: Date;
}

/** Heartbeats of a crashed service are removed by MongoDB after this; freshness is judged on beatAt, not on this. */
const EXPIRE_AFTER_SECONDS = 3600;

/** The heartbeats of the services using a MongoDB database, in a collection of their own, on a client of their own. */
export class MongoServiceHeartbeats implements ServiceHeartbeats {
  private constructor(
    private readonly client: MongoClient,
    private readonly heartbeats: Collection<HeartbeatDocument>,
  ) {}

  static async connect(url: string, dbName: string): Promise<MongoServiceHeartbeats> {
    const { client, db } = await connectMongo(url, dbName);
    try {
      const heartbeats = db.collection<HeartbeatDocument>('service_heartbeats');
      await heartbeats.createIndex({ beatAt: 1 }, { expireAfterSeconds: EXPIRE_AFTER_SECONDS });
      return new MongoServiceHeartbeats(client, heartbeats);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }

  async beat({ holder, host, pid, beatAt }: ServiceHeartbeat): Promise<void> {
    await this.heartbeats.updateOne({ _id: holder }, { $set: { host, pid, beatAt } }, { upsert: true });
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
