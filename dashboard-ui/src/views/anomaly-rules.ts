import type { Alert } from '../api/api-types.js';
import { words } from '../ui/format.js';

interface RuleWords {
  title: string;
  explanation: string;
  /** What the alert's `ip` is, where it is shown. */
  addressLabel: string;
  /** What the card offers: revoking the key (a threat), or its page, to extend its expiry. */
  remedy: 'revoke' | 'renew';
  /** What the card says of the key when the alert names none. */
  noKey?: string;
}

/** What each detector rule means, for people who did not write it. */
const RULES: Record<string, RuleWords> = {
  rate_spike: { title: 'Request spike', explanation: 'A minute with far more requests than this key’s usual rate.', addressLabel: 'Address', remedy: 'revoke' },
  many_addresses: { title: 'Many client addresses', explanation: 'The key was used from many different addresses within a few minutes.', addressLabel: 'Address', remedy: 'revoke' },
  new_network: { title: 'New network', explanation: 'The key was used from a network it had never been used from before.', addressLabel: 'Address', remedy: 'revoke' },
  revoked_key_used: { title: 'Revoked key used', explanation: 'Someone presented this key after it was revoked.', addressLabel: 'Address', remedy: 'revoke' },
  dormant_key_active: { title: 'Dormant key active again', explanation: 'The key was used after a long time without any use.', addressLabel: 'Address', remedy: 'revoke' },
  key_expiring: {
    title: 'Key in use about to expire',
    explanation:
      'The key is still being used and expires soon (see the evidence): extend its expiry before requests start failing. Rolling it would not: its successor takes the same expiry.',
    addressLabel: 'Address',
    remedy: 'renew',
  },
  key_leaked: {
    title: 'Key found in public',
    explanation: 'A secret scanner (GitHub) found this key in public code and reported it; the evidence says where, and what was done to the key.',
    addressLabel: 'Address',
    remedy: 'revoke',
  },
  key_used_after_burst: {
    title: 'Key used right after a key search',
    explanation:
      'The key was used from a network that had just sent a burst of failed authentications naming no known key: the search may have found this key. Roll or revoke it unless the use was yours.',
    addressLabel: 'Used from',
    remedy: 'revoke',
  },
  // A known key's refusals count on the key from whatever addresses; `ip` is only the refusal that completed the burst.
  failed_auth_burst: {
    title: 'Burst of refused requests',
    explanation: 'Many requests with this key were refused in a short time, for the reason below, from any addresses.',
    addressLabel: 'Last refusal from',
    remedy: 'revoke',
  },
};

/** The words of a failed_auth_burst of refusals that named no known key: those are counted per address. */
const ADDRESS_BURST: RuleWords = {
  title: 'Burst of failed authentications',
  explanation: 'Many failed authentications naming no known key came from one address.',
  addressLabel: 'Address',
  remedy: 'revoke',
  noKey: 'None (the alert is about an address)',
};

/** The hour's summary of an account's expired keys still presented: bursts past the hour's alerts, grouped. */
const EXPIRED_KEYS_SUMMARY: RuleWords = {
  title: 'Expired keys still presented',
  explanation:
    'In this hour, many of this account’s expired keys were refused again and again (a job or client still using them): the first ones were alerted on their own, the rest are counted here, the keys presented most named in the evidence. Give the clients current keys.',
  addressLabel: 'Address',
  remedy: 'renew',
  noKey: 'Several (named in the evidence)',
};

function describeRule(rule: string): RuleWords {
  return RULES[rule] ?? { title: words(rule), explanation: 'A finding of the anomaly detector.', addressLabel: 'Address', remedy: 'revoke' };
}

/**
 * An alert's rule in words, as it applies to this alert (a burst is about a key, about an address, or, for an hour's
 * summary of an account's expired keys, about several keys).
 */
export function describeAlert(alert: Pick<Alert, 'rule' | 'key_id' | 'evidence'>): RuleWords {
  if (alert.rule !== 'failed_auth_burst' || alert.key_id !== null) return describeRule(alert.rule);
  return alert.evidence.summary === true && alert.evidence.reason === 'expired' ? EXPIRED_KEYS_SUMMARY : ADDRESS_BURST;
}
