import { words } from '../ui/format.js';

/** What each detector rule means, for people who did not write it. */
const RULES: Record<string, { title: string; explanation: string }> = {
  rate_spike: { title: 'Request spike', explanation: 'A minute with far more requests than this key’s usual rate.' },
  many_addresses: { title: 'Many client addresses', explanation: 'The key was used from many different addresses within a few minutes.' },
  new_network: { title: 'New network', explanation: 'The key was used from a network it had never been used from before.' },
  revoked_key_used: { title: 'Revoked key used', explanation: 'Someone presented this key after it was revoked.' },
  dormant_key_active: { title: 'Dormant key active again', explanation: 'The key was used after a long time without any use.' },
  failed_auth_burst: { title: 'Burst of failed authentications', explanation: 'Many failed authentications came from one address.' },
};

export function describeRule(rule: string): { title: string; explanation: string } {
  return RULES[rule] ?? { title: words(rule), explanation: 'A finding of the anomaly detector.' };
}
