/**
 * The key's rules (src/keys/domain) name what they refuse as the API does, by its body fields: `expires_in_seconds
 * is beyond …`. The operator typed options, not fields: each refusal is reworded to name the option that gave the
 * value, whichever command it came from (create-key, update, roll). A message that names no field is left as it is.
 */
const OPTION_OF_FIELD: readonly [RegExp, string][] = [
  // update --no-expiry under MAX_KEY_LIFETIME_SECONDS: the field it would remove.
  [/^expires_at may not be removed\b/, '--no-expiry is refused: the expiry may not be removed'],
  [/^expires_in_seconds\b/, '--expires-in'],
  [/^expires_at\b/, '--expires-at'],
  [/^allowed_ips\b/, '--allowed-ips'],
  [/^permissions\b/, '--permissions'],
  [/^rate_limit\b/, '--rate-limit'],
  [/^grace_seconds\b/, '--grace'],
  [/^close_when_idle_seconds\b/, '--close-when-idle'],
  [/^name\b/, '--name'],
  // A stale --if-match: the API's 412 names its header, which the operator did not send.
  [/^If-Match does not name the current version of this key \(its ETag\)/, "--if-match does not name the key's current revision"],
  // list --starting-after naming no key of the account (the API's 404).
  [/^starting_after\b/, '--starting-after'],
];

/** The message with each of its refusals (joined by "; ") starting with the option instead of the API field. */
export function inCliWords(message: string): string {
  return message
    .split('; ')
    .map((part) => {
      const rule = OPTION_OF_FIELD.find(([field]) => field.test(part));
      return rule ? part.replace(rule[0], rule[1]) : part;
    })
    .join('; ');
}
