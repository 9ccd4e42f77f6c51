import { fetchBlockedPort } from './fetch-blocked-port.js';
import { isLoopbackHost } from './loopback-host.js';
import { parsedUrl } from './parsed-url.js';

/**
 * What is wrong with ALERT_WEBHOOK_URL, or null: the URL fetch will POST to. The sentence follows the
 * setting's name and never repeats the value.
 */
export function alertWebhookUrlProblem(value: string): string | null {
  const url = parsedUrl(value);
  if (url === null) return 'must be an http(s) URL, with a host and a port from 1 to 65535';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  if (url.port === '0') return 'must have a port from 1 to 65535';
  const blocked = fetchBlockedPort(url);
  if (blocked !== null) return `must not use port ${blocked}: fetch refuses to connect to it (the Fetch standard blocks it), so no alert would be delivered`;
  // fetch refuses such a URL at every delivery; a receiver checks the ParseSphere-Signature header instead.
  if (url.username !== '' || url.password !== '') {
    return 'must not hold a user name or password (fetch refuses them): the receiver verifies the signature made with ALERT_WEBHOOK_SECRET';
  }
  return null;
}

/**
 * Whether ALERT_WEBHOOK_URL is plain http to a host other than this one: taken (a receiver inside a network of one's
 * own is common), but each body holds client addresses and account and key ids, which the signature does not hide.
 */
export function alertWebhookUrlIsCleartext(value: string): boolean {
  const url = parsedUrl(value);
  return url !== null && url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}

/** What the service's start and webhook-send say of a URL alertWebhookUrlIsCleartext finds. */
export const CLEARTEXT_WEBHOOK_WARNING =
  'ALERT_WEBHOOK_URL is plain http:// to another host: each alert (client addresses, account and key ids) crosses the network ' +
  'unencrypted, readable on the way (the signature stops changes, not readers); use https:// unless the network is yours alone';
