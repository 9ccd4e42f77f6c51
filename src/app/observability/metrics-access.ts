import { hash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => hash('sha256', value, 'buffer');
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Who may scrape /metrics: anyone when METRICS_TOKEN is unset, else whoever presents it as a Bearer token.
 * Compared as digests of equal length, so the time taken says nothing about the token.
 */
export class MetricsAccess {
  private readonly expected: Buffer | null;

  constructor(token: string | undefined) {
    this.expected = token ? digest(token) : null;
  }

  allows(authorization: string | undefined): boolean {
    if (this.expected === null) return true;
    const presented = authorization ? BEARER.exec(authorization)?.[1] : undefined;
    return presented !== undefined && timingSafeEqual(digest(presented), this.expected);
  }
}
