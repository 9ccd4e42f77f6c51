/**
 * Checks EVENTSTORE_URL at start, the way @eventstore/db-client 6.2.1 will read it
 * (dist/Client/parseConnectionString.js and Client.connectionString in dist/Client/index.js), and refuses
 * what that client would only warn about on the console, ignore, or throw on later inside the module
 * factory. Imports nothing from the client: the configuration is checked before the gRPC client is loaded.
 * Messages name the option, never a value: the string may carry a password.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InvalidConfigurationError } from '../../shared/config/environment.js';

type OptionKind = 'integer' | 'boolean' | 'file' | 'text' | 'nodePreference';

/** Every option the client reads, by its "flat" name (lower case, without - and _), as the client matches them. */
const OPTIONS: Record<string, { name: string; kind: OptionKind }> = Object.fromEntries(
  (
    [
      ['maxDiscoverAttempts', 'integer'],
      ['discoveryInterval', 'integer'],
      ['gossipTimeout', 'integer'],
      ['defaultDeadline', 'integer'],
      ['keepAliveInterval', 'integer'],
      ['keepAliveTimeout', 'integer'],
      ['tls', 'boolean'],
      ['tlsVerifyCert', 'boolean'],
      ['throwOnAppendFailure', 'boolean'],
      ['tlsCAFile', 'file'],
      ['userCertFile', 'file'],
      ['userKeyFile', 'file'],
      ['connectionName', 'text'],
      ['nodePreference', 'nodePreference'],
    ] as const
  ).map(([name, kind]) => [flat(name), { name, kind }]),
);

const NODE_PREFERENCES = new Set(['leader', 'follower', 'random', 'readonlyreplica']);

function flat(text: string): string {
  return text.trim().toLowerCase().replace(/[_-]/g, '');
}

/**
 * The string as the client should get it: without the `/` that may end the host list (`esdb://host/?tls=false`).
 * The client's host pattern takes that `/` into the last host (`host/`, or a port `2113/` it then parses as 2113).
 */
export function normalEsdbConnectionString(url: string): string {
  const text = url.trim();
  const queryAt = text.indexOf('?');
  const beforeQuery = queryAt === -1 ? text : text.slice(0, queryAt);
  return beforeQuery.replace(/\/+$/, '') + (queryAt === -1 ? '' : text.slice(queryAt));
}

/** What is wrong with the connection string for this client and this adapter, or null. */
export function esdbConnectionStringProblem(url: string, fileExists: (path: string) => boolean = existsSync): string | null {
  const text = normalEsdbConnectionString(url);
  const scheme = /^([^:]+):\/\//.exec(text);
  if (!scheme || (scheme[1] !== 'esdb' && scheme[1] !== 'esdb+discover')) {
    return '@eventstore/db-client 6.2.1 reads esdb:// or esdb+discover:// connection strings only';
  }
  const rest = text.slice(scheme[0].length);
  const queryAt = rest.indexOf('?');
  const authority = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const credentials = /^[^:]+:[^@]+@/.exec(authority);
  const credentialsProblem = credentials ? userAndPasswordProblem(credentials[0].slice(0, -1)) : null;
  if (credentialsProblem) return credentialsProblem;
  const hosts = (credentials ? authority.slice(credentials[0].length) : authority).split(',');
  for (const host of hosts) {
    const [address, port, ...extra] = host.split(':');
    if (!address || /[$+!?*'();[\]{}|"%~#<>=&@/\s]/.test(address) || extra.length > 0 || (port !== undefined && !/^\d+$/.test(port))) {
      return 'give the nodes as host or host:port, separated by commas';
    }
  }
  const options = new Map<string, string>();
  if (queryAt !== -1) {
    for (const pair of rest.slice(queryAt + 1).split('&')) {
      const match = /^([^=?]+)=([^=?]+)$/.exec(pair);
      if (!match) return 'give the options as ?key=value&key=value';
      const option = OPTIONS[flat(match[1])];
      if (!option) return `the option "${match[1].trim()}" is not one @eventstore/db-client 6.2.1 knows (it would ignore it)`;
      options.set(option.name, match[2].trim());
    }
  }
  for (const [name, value] of options) {
    const problem = optionProblem(name, OPTIONS[flat(name)].kind, value);
    if (problem) return problem;
  }
  if (options.get('tlsVerifyCert') === 'false') {
    return 'tlsVerifyCert=false has no effect in @eventstore/db-client 6.2.1: give the CA of the server with tlsCAFile=<path> (or NODE_EXTRA_CA_CERTS)';
  }
  if (options.get('throwOnAppendFailure') === 'false') {
    return 'throwOnAppendFailure=false is not supported: the event store needs a conflicting append to fail';
  }
  if (options.has('userCertFile') !== options.has('userKeyFile')) return 'userCertFile and userKeyFile go together';
  // The client ignores tlsCAFile with tls=false, but loads the client certificate and key whatever tls says.
  for (const name of options.get('tls') === 'false' ? ['userCertFile', 'userKeyFile'] : ['tlsCAFile', 'userCertFile', 'userKeyFile']) {
    const path = options.get(name);
    if (path === undefined) continue;
    const resolved = resolveLikeTheClient(path);
    if (resolved === null) return `the path of ${name} is not valid percent-encoding`;
    if (!fileExists(resolved)) return `the file of ${name} does not exist`;
  }
  return null;
}

/** The client's `defaultDeadline` for this connection string (the string's option, the last one given as the client takes it, else the client's 10 s), in ms. */
export function esdbDefaultDeadlineMs(url: string): number {
  const text = normalEsdbConnectionString(url);
  const queryAt = text.indexOf('?');
  let deadline = 10_000;
  if (queryAt === -1) return deadline;
  for (const pair of text.slice(queryAt + 1).split('&')) {
    const [key, value] = pair.split('=');
    if (flat(key ?? '') === flat('defaultDeadline') && /^\d+$/.test((value ?? '').trim())) deadline = Number(value.trim());
  }
  return deadline;
}

/** Throws the one-line InvalidConfigurationError main.ts and cli.ts print, or returns. */
export function checkEsdbConnectionString(url: string): void {
  const problem = esdbConnectionStringProblem(url);
  if (problem) throw new InvalidConfigurationError(`Invalid configuration: EVENTSTORE_URL: ${problem}`);
}

function optionProblem(name: string, kind: OptionKind, value: string): string | null {
  switch (kind) {
    case 'integer': {
      const lowest = name === 'keepAliveInterval' || name === 'keepAliveTimeout' ? -1 : name === 'defaultDeadline' ? 1 : 0;
      return /^-?\d+$/.test(value) && Number(value) >= lowest ? null : `${name} must be a whole number of at least ${lowest}`;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? null : `${name} must be true or false`;
    case 'nodePreference':
      return NODE_PREFERENCES.has(flat(value)) ? null : 'nodePreference must be leader, follower, random or read_only_replica';
    default:
      return null;
  }
}

/** The client splits `user:password` at every ':' (keeping the first two parts) and percent-decodes each. */
function userAndPasswordProblem(credentials: string): string | null {
  const parts = credentials.trim().split(':');
  if (parts.length > 2) return "write a ':' in the password as %3A: the client would cut the password short at it";
  for (const part of parts) {
    try {
      decodeURIComponent(part);
    } catch {
      return 'the user name and password must be valid percent-encoding (a % written as %25)';
    }
  }
  return null;
}

/** The client decodes the path and resolves a relative one against the working directory. */
function resolveLikeTheClient(path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  return isAbsolute(decoded) ? decoded : resolve(process.cwd(), decoded);
}
