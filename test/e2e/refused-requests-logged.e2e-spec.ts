import { connect } from 'node:net';
import { eventually } from '../support/eventually.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The answer to raw bytes sent on a connection of their own, once the server closes it. */
function answerTo(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

// A slow client (its header trickling in) got a 408 with an X-Request-Id that was in no log line: node's parser
// refuses it before express, and only express's requests were logged; so were a 431 and a 400 for what is not HTTP.
describe('Requests refused before routing, in the access log', () => {
  let service: ServiceProcess | undefined;
  afterEach(() => service?.child.kill('SIGKILL'));

  it('logs one access line per 408, 431 and 400, with the request id the answer carries', async () => {
    const dir = makeTempDir('refused-logged');
    try {
      service = await startServiceProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'log', HTTP_HEADERS_TIMEOUT_MS: '300' }, { captureStdout: true });
      const port = Number(new URL(service.url).port);
      const answers = await Promise.all([
        answerTo(port, 'GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Trickle: '),
        answerTo(port, `GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
        answerTo(port, 'GET /v1/whoami HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n'),
      ]);
      const answered = answers.map((answer) => ({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]), requestId: /\r\nX-Request-Id: (\S+)\r\n/.exec(answer)?.[1] }));
      expect(answered.map(({ status }) => status)).toEqual([408, 431, 400]);
      const accessLines = () =>
        service!
          .stdout()
          .split('\n')
          .filter((line) => line.includes('"type":"access"'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      await eventually(() => expect(accessLines()).toHaveLength(3));
      for (const { status, requestId } of answered) {
        expect(accessLines()).toContainEqual(expect.objectContaining({ level: 'info', context: 'Http', msg: 'request', requestId, status, route: 'unmatched' }));
      }
      expect(accessLines().map((line) => line.refused).sort()).toEqual(['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADER_OVERFLOW', 'HPE_INVALID_HEADER_TOKEN']);
    } finally {
      dir.remove();
    }
  });
});
