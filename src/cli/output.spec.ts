import { jest } from '@jest/globals';
import { printJson, printJsonLine, printJsonList } from './output.js';

/** What the describe's tests write to stdout, each test's from empty. */
function capturedStdout(): string[] {
  const written: string[] = [];
  beforeEach(() => {
    written.length = 0;
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());
  return written;
}

describe('the CLI JSON output on a terminal', () => {
  const written = capturedStdout();

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

describe('printJsonList: a listing printed item by item (list --all)', () => {
  const written = capturedStdout();

  const items = [
    { id: 'a', name: 'first\u202E', permissions: ['*'], rate_limit: { requests: 1, per_seconds: 2 }, rotation: null, allowed_ips: [] },
    { id: 'b', name: null, permissions: ['keys:read', 'parses:*'], rate_limit: { requests: 3, per_seconds: 4 }, rotation: { successor_id: 'c' }, allowed_ips: ['203.0.113.0/24'] },
    { id: 'c', name: 'line\nbreak', permissions: [], rate_limit: { requests: 5, per_seconds: 6 }, rotation: null, allowed_ips: [] },
  ];

  it.each([0, 1, 3])('prints, for %i items, the text printJson prints of the whole document', (count) => {
    const listing = printJsonList('data');
    for (const item of items.slice(0, count)) listing.item(item);
    listing.end({ has_more: false });
    const streamed = written.join('');
    written.length = 0;
    printJson({ data: items.slice(0, count), has_more: false });
    expect(streamed).toBe(written.join(''));
  });
});
