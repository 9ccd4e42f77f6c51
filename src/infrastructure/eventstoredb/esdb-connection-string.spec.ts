import { InvalidConfigurationError } from '../../shared/config/environment.js';
import { checkEsdbConnectionString, esdbConnectionStringProblem, esdbDefaultDeadlineMs, normalEsdbConnectionString } from './esdb-connection-string.js';

const files = new Set(['/certs/ca.crt', '/certs/user.crt', '/certs/user.key']);
const problem = (url: string) => esdbConnectionStringProblem(url, (path) => files.has(path));

describe('EVENTSTORE_URL check', () => {
  it.each([
    'esdb://localhost:2113?tls=false',
    'esdb://admin:changeit@localhost:2113?tls=true&tlsCAFile=/certs/ca.crt',
    'esdb://node1:2113,node2:2113,node3:2113?nodePreference=leader&keepAliveInterval=10000&keepAliveTimeout=10000',
    'esdb+discover://cluster.example.com:2113?nodePreference=read_only_replica&defaultDeadline=5000&gossipTimeout=5',
    'esdb://localhost?tls=true&userCertFile=/certs/user.crt&userKeyFile=/certs/user.key&connectionName=keys-1',
    'esdb://localhost:2113/',
    'esdb://admin:changeit@127.0.0.1:44301/?tls=false',
    'esdb://a:2113,b:2113/?tls=false',
    'esdb://localhost/?tls=false',
    'esdb://localhost:2113?Tls=false&keep-alive-interval=-1',
    'esdb://localhost:2113?tls=false&tlsCAFile=/nowhere/ca.crt',
    'esdb://admin:pa%3Ass%25@localhost:2113',
  ])('accepts %s', (url) => {
    expect(problem(url)).toBeNull();
  });

  it.each([
    ['kurrentdb://localhost:2113', /esdb:\/\/ or esdb\+discover:\/\/ connection strings only/],
    ['esdb://:2113', /host or host:port/],
    ['esdb://localhost:21x3', /host or host:port/],
    ['esdb://local/host:2113', /host or host:port/],
    ['esdb://a:2113/,b:2113', /host or host:port/],
    ['esdb://localhost:2113?tls', /key=value/],
    ['esdb://localhost:2113?tsl=false', /"tsl" is not one/],
    ['esdb://localhost:2113?tls=flase', /tls must be true or false/],
    ['esdb://localhost:2113?tlsVerifyCert=false', /tlsVerifyCert=false has no effect.*tlsCAFile/],
    ['esdb://localhost:2113?throwOnAppendFailure=false', /throwOnAppendFailure=false is not supported/],
    ['esdb://localhost:2113?defaultDeadline=0', /defaultDeadline must be a whole number of at least 1/],
    ['esdb://localhost:2113?keepAliveTimeout=-2', /keepAliveTimeout must be a whole number of at least -1/],
    ['esdb://localhost:2113?nodePreference=nearest', /nodePreference must be/],
    ['esdb://localhost:2113?tlsCAFile=/nowhere/ca.crt', /the file of tlsCAFile does not exist/],
    ['esdb://localhost:2113?userCertFile=/certs/user.crt', /userCertFile and userKeyFile go together/],
    // The client loads these even with tls=false ('Failed to load certificate file', retried forever at start, before).
    ['esdb://localhost:2113?tls=false&userCertFile=/nowhere/user.crt&userKeyFile=/certs/user.key', /the file of userCertFile does not exist/],
    // The client would use the password 'pa', or throw 'URI malformed' at every attempt to open the store.
    ['esdb://admin:pa:ss@localhost:2113', /':' in the password as %3A/],
    ['esdb://admin:100%sure@localhost:2113?tls=false', /valid percent-encoding \(a % written as %25\)/],
    ['esdb://ad%min:pass@localhost:2113', /valid percent-encoding/],
  ])('refuses %s', (url, reason) => {
    expect(problem(url)).toMatch(reason);
  });

  it('hands the client the host list without the / that may end it (the client would take it into the last host)', () => {
    expect(normalEsdbConnectionString(' esdb://localhost/?tls=false')).toBe('esdb://localhost?tls=false');
    expect(normalEsdbConnectionString('esdb://a:2113,b:2113//')).toBe('esdb://a:2113,b:2113');
    expect(normalEsdbConnectionString('esdb://a:2113?tlsCAFile=/certs/')).toBe('esdb://a:2113?tlsCAFile=/certs/');
  });

  it('throws one line that names the setting and never repeats the string, which may hold a password', () => {
    const url = 'esdb://admin:s3cr3t@localhost:2113?tlsVerifyCert=false';
    expect(() => checkEsdbConnectionString(url)).toThrow(InvalidConfigurationError);
    expect(() => checkEsdbConnectionString(url)).toThrow(/^Invalid configuration: EVENTSTORE_URL: [^\n]+$/);
    expect(() => checkEsdbConnectionString(url)).not.toThrow(/s3cr3t/);
    expect(() => checkEsdbConnectionString('esdb://localhost:2113?tls=false')).not.toThrow();
  });
});

describe("the client's default deadline of a connection string", () => {
  it.each([
    ['esdb://localhost:2113?tls=false', 10_000],
    ['esdb://localhost:2113', 10_000],
    ['esdb://localhost:2113/?tls=false&defaultDeadline=30000', 30_000],
    ['esdb://localhost:2113?default_deadline=2500&tls=false', 2500],
    // Given twice, the client keeps the last (parseSearchParams spreads each pair over the options).
    ['esdb://localhost:2113?defaultDeadline=1000&tls=false&defaultDeadline=30000', 30_000],
  ])('%s: %d ms', (url, ms) => {
    expect(esdbDefaultDeadlineMs(url)).toBe(ms);
  });
});
