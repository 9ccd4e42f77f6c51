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

  /**
   * Whether the caller is shown what readiness says of the stores' errors (hosts, ports, paths): only one presenting
   * the token, when one is set. Without a token nobody is: readiness is open to anyone, and /metrics tells no such text.
   */
  showsInternals(authorization: string | undefined): boolean {
    return this.required && this.allows(authorization);
  }

  allows(authorization: string | undefined): boolean {
    if (this.expected === null) return true;
    const presented = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    return presented !== undefined && this.expected.matches(presented);
  }
}
