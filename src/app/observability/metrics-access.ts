import { SecretDigest } from '../../shared/security/secret-digest.js';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Who may scrape /metrics: anyone when METRICS_TOKEN is unset, else whoever presents it as a Bearer token.
 * Checked as a digest (SecretDigest), so the time taken says nothing about the token.
 */
export class MetricsAccess {
  private readonly expected: SecretDigest | null;

  constructor(token: string | undefined) {
    this.expected = token ? new SecretDigest(token) : null;
  }

  /** Whether a token is asked for at all. */
  get required(): boolean {
    return this.expected !== null;
  }

  allows(authorization: string | undefined): boolean {
    if (this.expected === null) return true;
    const presented = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    return presented !== undefined && this.expected.matches(presented);
  }
}
