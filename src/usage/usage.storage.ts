import type { KeyUsageReadModel } from './projection/key-usage-read-model.port.js';

/** The stores the usage feature needs from the read-model storage. */
export interface UsageStorage {
  keyUsageReadModel(): Promise<KeyUsageReadModel>;
}
