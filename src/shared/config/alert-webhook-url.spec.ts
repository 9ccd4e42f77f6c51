import { alertWebhookUrlProblem } from './alert-webhook-url.js';

describe('alertWebhookUrlProblem', () => {
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
  ])('refuses %s', (url, problem) => {
    expect(alertWebhookUrlProblem(url)).toEqual(problem);
  });
});
