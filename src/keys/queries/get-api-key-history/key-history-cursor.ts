/**
 * Where a history page resumes: the next revision of the lifecycle stream and of the usage stream, and oldest first
 * the end the first page fixed (the log's head position then): later pages list nothing logged after it.
 */
export interface KeyHistoryCursor {
  lifecycle: number;
  usage: number;
  /** Absent in a cursor of the older form `<lifecycle>.<usage>`: the page it asks for fixes the end. */
  end?: number;
}

export const HISTORY_START: KeyHistoryCursor = { lifecycle: 0, usage: 0 };

/**
 * The cursor as the API shows it: `<lifecycle revision>.<usage revision>[.<end position>]`, for example `2.150.9041`
 * (`2.150`, the form before 2026-12-07, is still read). Its format is published (KEY_HISTORY_CURSOR_PATTERN) so that
 * every cursor of that form is a valid one: one past the end of the history gives an empty page.
 */
export const KEY_HISTORY_CURSOR_PATTERN = '^[0-9]{1,15}\\.[0-9]{1,15}(\\.[0-9]{1,15})?$';
const CURSOR = new RegExp(KEY_HISTORY_CURSOR_PATTERN);

export function encodeHistoryCursor(cursor: KeyHistoryCursor): string {
  return cursor.end === undefined ? `${cursor.lifecycle}.${cursor.usage}` : `${cursor.lifecycle}.${cursor.usage}.${cursor.end}`;
}

/** The cursor a text stands for, or null when the text is not one. */
export function decodeHistoryCursor(text: string): KeyHistoryCursor | null {
  if (!CURSOR.test(text)) return null;
  const [lifecycle, usage, end] = text.split('.').map(Number);
  return end === undefined ? { lifecycle, usage } : { lifecycle, usage, end };
}
