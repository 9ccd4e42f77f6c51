const STORAGE_NAME = 'parsesphere-keys.api-key';
const PERMISSIONS_NAME = 'parsesphere-keys.permissions';

/**
 * The signed-in key, in sessionStorage: this tab only, gone when it closes or on sign-out. Never a
 * cookie or localStorage. Where sessionStorage is refused (some privacy settings) it stays in memory.
 * Beside it, the key's permissions as last learnt (GET /v1/whoami at sign-in, or since; null: not known).
 */
export class SessionStore {
  private memory: { key: string; permissions: string | null } | null = null;

  load(): string | null {
    if (this.memory !== null) return this.memory.key;
    try {
      return sessionStorage.getItem(STORAGE_NAME);
    } catch {
      return null;
    }
  }

  permissions(): string[] | null {
    try {
      const stored = this.memory !== null ? this.memory.permissions : sessionStorage.getItem(PERMISSIONS_NAME);
      const parsed: unknown = stored === null ? null : JSON.parse(stored);
      return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null;
    } catch {
      return null;
    }
  }

  /** A key of its own (`permissions` given) or the successor of a roll, which keeps the permissions known. */
  save(key: string, permissions?: string[] | null): void {
    const kept = permissions === undefined ? this.permissions() : permissions;
    const text = kept === null ? null : JSON.stringify(kept);
    try {
      sessionStorage.setItem(STORAGE_NAME, key);
      if (text === null) sessionStorage.removeItem(PERMISSIONS_NAME);
      else sessionStorage.setItem(PERMISSIONS_NAME, text);
    } catch {
      this.memory = { key, permissions: text };
    }
  }

  clear(): void {
    this.memory = null;
    try {
      sessionStorage.removeItem(STORAGE_NAME);
      sessionStorage.removeItem(PERMISSIONS_NAME);
    } catch {
      // Nothing was stored there.
    }
  }
}
