import { keyRecord } from './key-fields.js';
import { note, outputFormat, printOrFail } from './output.js';
import { CLI_NAME } from './cli-name.js';
import { renderRecord } from './table.js';
import type { CreatedApiKeyResponse } from '../keys/presentation/api-key.response.js';

/**
 * Prints a key just made (created or rolled in), with its secret, which nothing can show again. When stdout
 * cannot take it (a full disk, a reader gone), the key exists and its secret is lost: one line says which key
 * to revoke, instead of a stack.
 */
export async function printNewKey(key: CreatedApiKeyResponse, document: object, options: { json?: boolean; table?: boolean }, message: string): Promise<void> {
  const format = outputFormat(options);
  const text = format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : renderRecord([['key', key.key], ...keyRecord(key)]);
  try {
    await printOrFail(text);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`key ${key.id} was made, but stdout could not take its secret (${reason}), which is never shown again: revoke it (${CLI_NAME} revoke ${key.id}) and make another`);
  }
  if (format === 'table') note(message);
}
