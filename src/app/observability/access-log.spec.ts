import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { configuredSecrets } from '../start/start-failure.js';
import { CLIENT_CLOSED_STATUS, observeRequests } from './access-log.js';
import { createRootLogger, REDACTED } from './root-logger.js';

const VERIFY_TOKEN = 'gateway-credential-0123456789abcdef-0123456789';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';
const ALERT_WEBHOOK_SECRET = 'alert-webhook-signing-secret-0123';

/** One request as observeRequests sees it, closed once `answered` says how. */
function observed(headers: Record<string, string>, answered: { headersSent: boolean; finished: boolean; status: number }, level = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const statuses: string[] = [];
  const secrets = configuredSecrets({ VERIFY_TOKEN, METRICS_TOKEN, ALERT_WEBHOOK_SECRET });
  const observe = observeRequests(createRootLogger({ LOG_LEVEL: level, LOG_FORMAT: 'json' }, stream), { observe: (labels) => statuses.push(labels.status) }, secrets);
  const req = Object.assign(new EventEmitter(), { method: 'POST', headers }) as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), {
    statusCode: answered.status,
    headersSent: answered.headersSent,
    writableFinished: answered.finished,
  }) as unknown as ServerResponse;
  observe(req, res, () => ({ route: '/v1/api-keys', requestId: 'req_1' }));
  res.emit('close');
  return { line: lines[0], statuses };
}

describe('observeRequests (the access log and the duration histogram)', () => {
  it('never logs a configured secret in a header, whichever header carries it, nor a proxy credential', () => {
    const { line } = observed(
      {
        'proxy-authorization': `Bearer ${METRICS_TOKEN}`,
        'x-gateway-credential': VERIFY_TOKEN,
        'x-forwarded-signature': `t=1,secret=${ALERT_WEBHOOK_SECRET}`,
        [`x-${METRICS_TOKEN}`]: 'in the name',
        accept: '*/*',
      },
      { headersSent: true, finished: true, status: 201 },
    );
    const text = JSON.stringify(line);
    for (const secret of [VERIFY_TOKEN, METRICS_TOKEN, ALERT_WEBHOOK_SECRET]) expect(text).not.toContain(secret);
    expect((line.req as { headers: Record<string, unknown> }).headers).toMatchObject({
      'proxy-authorization': REDACTED,
      'x-gateway-credential': expect.stringContaining('[redacted]'),
      accept: '*/*',
    });
  });

  it('says 499 (client closed) for a request left unanswered, whatever status the route had set, and keeps the status of one answered', () => {
    const left = observed({}, { headersSent: false, finished: false, status: 201 }, 'log');
    expect(left.statuses).toEqual([String(CLIENT_CLOSED_STATUS)]);
    expect(left.line).toMatchObject({ level: 'info', status: 499, aborted: true });
    const cut = observed({}, { headersSent: true, finished: false, status: 200 }, 'log');
    expect(cut.statuses).toEqual(['200']);
    expect(cut.line).toMatchObject({ status: 200, aborted: true });
    expect(observed({}, { headersSent: true, finished: true, status: 201 }, 'log').line).not.toHaveProperty('aborted');
  });
});
