/** Where a history page resumes: the next revision of the lifecycle stream and of the usage stream. */
export interface KeyHistoryCursor {
  lifecycle: number;
  usage: number;
}

export const HISTORY_START: KeyHistoryCursor = { lifecycle: 0, usage: 0 };

/**
 * The cursor as the API shows it: `<lifecycle revision>.<usage revision>`, for example `2.150`. Its format is
 * published (KEY_HISTORY_CURSOR_PATTERN) so that every cursor of that form is a valid one: one past the end of
 * the history gives an empty page.
 */
export const KEY_HISTORY_CURSOR_PATTERN = '^[0-9]{1,15}\\.[0-9]{1,15}$';
const CURSOR = new RegExp(KEY_HISTORY_CURSOR_PATTERN);

export function encodeHistoryCursor(cursor: KeyHistoryCursor): string {
  return `${cursor.lifecycle}.${cursor.usage}`;
}

/** The cursor a text stands for, or null when the text is not one. */
export function decodeHistoryCursor(text: string): KeyHistoryCursor | null {
  if (!CURSOR.test(text)) return null;
  const [lifecycle, usage] = text.split('.').map(Number);
  return { lifecycle, usage };
}
