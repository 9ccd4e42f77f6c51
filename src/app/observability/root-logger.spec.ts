import { Writable } from 'node:stream';
import { createRootLogger, REDACTED, wantsPrettyLogs } from './root-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

describe('createRootLogger', () => {
  it('maps LOG_LEVEL to pino levels and writes the level by name', () => {
    const { stream, lines } = capture();
    const logger = createRootLogger({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, stream);
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'shown', service: 'parsesphere-keys', time: expect.any(String) })]);
    expect(createRootLogger({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'json' }, stream).level).toBe('trace');
    expect(createRootLogger({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' }, stream).level).toBe('info');
  });

  it('redacts credential headers and bodies at every level, debug included', () => {
    const { stream, lines } = capture();
    const logger = createRootLogger({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'json' }, stream);
    const secret = 'sk_secret_value_that_must_not_appear';
    logger.debug({
      req: {
        headers: { authorization: `Bearer ${secret}`, 'proxy-authorization': `Bearer ${secret}`, cookie: `s=${secret}`, 'x-api-key': secret, accept: '*/*' },
        body: { key: secret },
      },
      res: { headers: { 'set-cookie': secret }, body: { key: secret } },
      headers: { authorization: secret, 'proxy-authorization': secret, 'x-api-key': secret, 'set-cookie': secret },
      body: { key: secret },
      key: secret,
    });
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      req: { headers: { authorization: REDACTED, 'proxy-authorization': REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, accept: '*/*' }, body: REDACTED },
      key: REDACTED,
    });
  });
});

describe('wantsPrettyLogs', () => {
  it.each([
    [undefined, false, false],
    [undefined, true, true],
    ['json', true, false],
    ['pretty', false, true],
  ] as const)('LOG_FORMAT=%s, stdout a TTY: %s -> %s', (format, tty, pretty) => {
    expect(wantsPrettyLogs({ LOG_FORMAT: format }, tty)).toBe(pretty);
  });
});
