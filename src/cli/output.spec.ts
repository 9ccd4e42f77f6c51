import { jest } from '@jest/globals';
import { printJson, printJsonLine } from './output.js';

describe('the CLI JSON output on a terminal', () => {
  const written: string[] = [];
  beforeEach(() => {
    written.length = 0;
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  // The security audit of 2026-12-07: `show --json` of a key reported at https://github.com/o/r/\u202Eevil\u0085 printed the
  // right-to-left override and the C1 control raw (JSON.stringify escapes C0 only), where the table shows them as \uXXXX:
  // U+009B is a CSI to a terminal that takes C1 controls, and the bidi controls reorder what the operator reads.
  it('writes C1 controls, DEL, the bidi controls and the line separators as \\u escapes: the same JSON value, nothing raw', () => {
    const value = { source_url: 'https://github.com/o/r/\u202Eevil\u2066x\u2069\u200F\u061C\u2028\u2029\u0085\u009B31m\u007F', source: 'content\u001b[31m', name: 'Ünïcødé ok €' };
    printJson(value);
    printJsonLine(value);
    for (const text of written) {
      expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/);
      expect(JSON.parse(text)).toEqual(value);
    }
    expect(written[1]).toBe(
      '{"source_url":"https://github.com/o/r/\\u202Eevil\\u2066x\\u2069\\u200F\\u061C\\u2028\\u2029\\u0085\\u009B31m\\u007F","source":"content\\u001b[31m","name":"Ünïcødé ok €"}\n',
    );
  });
});
