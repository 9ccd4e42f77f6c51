/** The value read as a WHATWG URL, as fetch and ioredis read it, or null when it is none (Node 20 has no URL.parse). */
export function parsedUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
