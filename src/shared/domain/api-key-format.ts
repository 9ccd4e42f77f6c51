/**
 * The text form of a ParseSphere API key, known to the shared kernel so that any layer can recognise a key
 * in text it did not expect one in (src/shared/domain/secret-redaction.ts). Generating, checking and hashing
 * keys stays with the keys feature (src/keys/domain/api-key-secret.ts).
 *
 * `sk_` + 32 base62 characters from the CSPRNG (~190 bits) + 6 base62 characters of CRC32 over the rest.
 */
export const KEY_SCHEME_PREFIX = 'sk_';
export const KEY_RANDOM_LENGTH = 32;
export const KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = KEY_SCHEME_PREFIX.length + KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;
/** The scheme prefix and the first 9 random characters: stored and shown, so owners can tell their keys apart. */
export const DISPLAY_PREFIX_LENGTH = 12;
export const KEY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
