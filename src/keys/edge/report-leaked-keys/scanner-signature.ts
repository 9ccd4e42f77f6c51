import { type KeyObject, verify } from 'node:crypto';

/** A DER ECDSA P-256 signature is at most 72 bytes: 96 base64 characters. Anything longer is refused unread. */
const MAX_SIGNATURE_LENGTH = 128;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Whether `signature` (base64 of a DER ECDSA signature, GitHub's Github-Public-Key-Signature) signs `body`, the
 * request's bytes as received, with SHA-256 under `key`. Never throws: a malformed signature is a wrong one.
 */
export function isSignedBy(body: Buffer, signature: string, key: KeyObject): boolean {
  if (signature.length === 0 || signature.length > MAX_SIGNATURE_LENGTH || !BASE64.test(signature)) return false;
  try {
    return verify('sha256', body, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
