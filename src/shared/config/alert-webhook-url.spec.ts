import { alertWebhookUrlProblem } from './alert-webhook-url.js';
import { FETCH_BLOCKED_PORTS } from './fetch-blocked-port.js';

describe('alertWebhookUrlProblem', () => {
  it('refuses a port exactly when fetch does (Node runs the same list)', async () => {
    // Every port of the list is refused by this Node's fetch before connecting, and one next to each is not.
    for (const port of FETCH_BLOCKED_PORTS) {
      const url = `http://127.0.0.1:${port}/`;
      expect(alertWebhookUrlProblem(url)).toMatch(/^must not use port/);
      const error = await fetch(url).catch((refused: unknown) => refused);
      expect(((error as Error).cause as Error | undefined)?.message).toBe('bad port');
    }
    expect(alertWebhookUrlProblem('http://127.0.0.1:6670/')).toBeNull();
  });


  it.each(['https://hooks.example/alerts', 'http://127.0.0.1:42201/x', 'http://[::1]:8080/hook?team=ops', 'https://hooks.example:65535'])(
    'accepts %s',
    (url) => expect(alertWebhookUrlProblem(url)).toBeNull(),
  );

  it.each([
    ['http://[::1', 'must be an http(s) URL, with a host and a port from 1 to 65535'],
    ['http://:::', 'must be an http(s) URL, with a host and a port from 1 to 65535'],
    ['http://127.0.0.1:99999/x', 'must be an http(s) URL, with a host and a port from 1 to 65535'],
    ['not a url', 'must be an http(s) URL, with a host and a port from 1 to 65535'],
    ['ftp://hooks.example', 'must be an http(s) URL'],
    ['http://127.0.0.1:0/x', 'must have a port from 1 to 65535'],
    ['http://user:pa55@127.0.0.1:42201/basic', expect.stringMatching(/^must not hold a user name or password .*ALERT_WEBHOOK_SECRET$/)],
    ['https://token@hooks.example', expect.stringMatching(/^must not hold a user name or password/)],
    // Ports fetch refuses to connect to (the Fetch standard's "bad port" list): taken until 2026-12-07, every delivery failed,
    // logged `network error TypeError`, and webhook-send said `network error unknown`.
    ['http://127.0.0.1:6666/hook', 'must not use port 6666: fetch refuses to connect to it (the Fetch standard blocks it), so no alert would be delivered'],
    ['https://hooks.example:6000/x', expect.stringMatching(/^must not use port 6000: fetch refuses/)],
    ['http://hooks.example:10080', expect.stringMatching(/^must not use port 10080: fetch refuses/)],
  ])('refuses %s', (url, problem) => {
    expect(alertWebhookUrlProblem(url)).toEqual(problem);
  });
});
