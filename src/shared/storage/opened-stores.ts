interface Closable {
  close(): Promise<void>;
}

/** The stores a storage has opened, each once (concurrent callers share one opening), closed together. */
export class OpenedStores {
  private readonly opened = new Map<string, Promise<Closable>>();

  once<T extends Closable>(name: string, open: () => Promise<T> | T): Promise<T> {
    let store = this.opened.get(name) as Promise<T> | undefined;
    if (!store) {
      store = Promise.resolve().then(open);
      this.opened.set(name, store);
      // A failed opening is not cached: the next caller tries again (the server may be back).
      store.catch(() => this.opened.delete(name));
    }
    return store;
  }

  /** Closes every store that opened, last opened first. */
  async closeAll(): Promise<void> {
    const stores = [...this.opened.values()].reverse();
    this.opened.clear();
    for (const store of stores) {
      const opened = await store.catch(() => null);
      await opened?.close();
    }
  }
}
