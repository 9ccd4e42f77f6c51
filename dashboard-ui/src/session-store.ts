const STORAGE_NAME = 'parsesphere-keys.api-key';

/**
 * The signed-in key, in sessionStorage: this tab only, gone when it closes or on sign-out. Never a
 * cookie or localStorage. Where sessionStorage is refused (some privacy settings) it stays in memory.
 */
export class SessionStore {
  private memory: string | null = null;

  load(): string | null {
    if (this.memory !== null) return this.memory;
    try {
      return sessionStorage.getItem(STORAGE_NAME);
    } catch {
      return null;
    }
  }

  save(key: string): void {
    try {
      sessionStorage.setItem(STORAGE_NAME, key);
    } catch {
      this.memory = key;
    }
  }

  clear(): void {
    this.memory = null;
    try {
      sessionStorage.removeItem(STORAGE_NAME);
    } catch {
      // Nothing was stored there.
    }
  }
}
