import { redisUrlProblem } from './redis-url.js';

describe('redisUrlProblem', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'redis://:password@redis:6379/0',
    'rediss://user:password@cache.example.com',
    'redis://[::1]:6379',
    'redis://u:p%40ss@host:65535/15/',
    'redis://host',
  ])('accepts %s', (url) => expect(redisUrlProblem(url)).toBeNull());

  // The sentences follow the setting's name; none repeats the value, whose password is "s3cr3t".
  it.each([
    ['redis://u:s3cr3t@host:99999', 'must be a URL, redis://[user:password@]host[:port][/db] or rediss://..., with a port from 1 to 65535'],
    ['redis://u:s3cr3t@host:port', 'must be a URL, redis://[user:password@]host[:port][/db] or rediss://..., with a port from 1 to 65535'],
    ['redis://u:s3cr3t@[::1', 'must be a URL, redis://[user:password@]host[:port][/db] or rediss://..., with a port from 1 to 65535'],
    ['s3cr3t', 'must be a URL, redis://[user:password@]host[:port][/db] or rediss://..., with a port from 1 to 65535'],
    ['http://u:s3cr3t@host:6379', 'must start with redis:// or rediss://'],
    ['REDISS://u:s3cr3t@host:6379', 'must write its scheme in lower case, redis:// or rediss:// (REDISS:// would connect without TLS)'],
    ['Redis://u:s3cr3t@host:6379', 'must write its scheme in lower case, redis:// or rediss:// (REDISS:// would connect without TLS)'],
    ['redis:///0', 'must name a host: a name, an IPv4 address or an [IPv6] address'],
    ['redis://u:s3cr3t@ho%20st', 'must name a host: a name, an IPv4 address or an [IPv6] address'],
    ['redis://u:s3cr3t@host:0', 'must have a port from 1 to 65535'],
    ['redis://u:s3cr3t@host/db', 'may end with a database number only (/0 to /99)'],
    ['redis://u:s3cr3t@host/100', 'may end with a database number only (/0 to /99)'],
    ['redis://u:s3cr3t@host/0?password=x', 'takes no ?options or #fragment'],
    ['redis://u:s3cr3t@host/0#x', 'takes no ?options or #fragment'],
    ['redis://u:s3cr3t%@host', 'must percent-encode its user name and password'],
  ])('refuses %s: %s', (url, problem) => {
    expect(redisUrlProblem(url)).toBe(problem);
    expect(problem).not.toContain('s3cr3t');
  });
});
