import { PreconditionFailed } from '../../shared/application/errors.js';

/** The key's version as an ETag (a strong one: its stream revision). */
export const etagOf = (revision: number): string => `"${revision}"`;

// RFC 9110 §8.8.3: an entity-tag is an optional W/ and a quoted opaque tag of visible ASCII but the quote; its
// obs-text (bytes past ASCII) is left out, as no ETag of this API holds any.
const ENTITY_TAG = '(W/)?"[\\x21\\x23-\\x7E]*"';

/** What If-Match may be (RFC 9110 §13.1.1): `*`, or a comma-separated list of entity-tags. */
export const IF_MATCH_PATTERN = `^[ \\t]*(\\*|${ENTITY_TAG}([ \\t]*,[ \\t]*${ENTITY_TAG})*)[ \\t]*$`;
const IF_MATCH = new RegExp(IF_MATCH_PATTERN);
const ENTITY_TAGS = new RegExp(ENTITY_TAG, 'g');

export const isIfMatch = (value: string): boolean => IF_MATCH.test(value);

/**
 * True when an If-Match header (one isIfMatch accepts) names this revision: `*`, or a list holding its ETag.
 * The comparison is the strong one RFC 9110 asks for If-Match: a weak tag names no revision.
 */
export function ifMatchHolds(ifMatch: string, revision: number): boolean {
  if (ifMatch.trim() === '*') return true;
  const etag = etagOf(revision);
  return (ifMatch.match(ENTITY_TAGS) ?? []).some((tag) => tag === etag);
}

/** Refuses (412, with the current ETag) a change whose If-Match, when given, does not name the key's current revision. */
export function requireIfMatch(ifMatch: string | null | undefined, revision: number): void {
  if (ifMatch != null && !ifMatchHolds(ifMatch, revision)) {
    const etag = etagOf(revision);
    // The current version given as a weak tag has not changed since: say why it does not match instead.
    const weakOnly = (ifMatch.match(ENTITY_TAGS) ?? []).some((tag) => tag === `W/${etag}`);
    throw new PreconditionFailed(
      weakOnly
        ? `If-Match names this key's current version only as a weak ETag (W/${etag}), which If-Match never matches: send ${etag}. Nothing was changed.`
        : 'If-Match does not name the current version of this key (its ETag): it has changed since. Nothing was changed.',
      etag,
    );
  }
}
