import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageView } from '../../usage/projection/key-usage-view.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryKeyUsageReadModel extends InMemoryViewStore<KeyUsageView> implements KeyUsageReadModel {
  constructor() {
    super((view) => view.keyId);
  }
}
