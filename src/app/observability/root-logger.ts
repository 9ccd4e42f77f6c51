import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { Environment } from '../../shared/config/environment.js';

/** LOG_LEVEL keeps Nest's names; pino calls `log` info and `verbose` trace. */
const PINO_LEVELS: Record<string, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export const REDACTED = '[Redacted]';

/**
 * Whatever a log call is given, these never reach the output: credentials in headers, and request or
 * response bodies (a create response holds the only copy of a key). The access log does not carry them in
 * the first place; this is the net under every other log call.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body',
  'res.headers["set-cookie"]',
  'res.body',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["set-cookie"]',
  'body',
  'key',
  'authorization',
];

export type LogSettings = Pick<Environment, 'LOG_LEVEL' | 'LOG_FORMAT'>;

export function pinoLevel(settings: Pick<Environment, 'LOG_LEVEL'>): pino.Level {
  return PINO_LEVELS[settings.LOG_LEVEL] ?? 'info';
}

/** JSON lines unless LOG_FORMAT=pretty, or LOG_FORMAT is unset and a person is watching (stdout is a TTY). */
export function wantsPrettyLogs(settings: Pick<Environment, 'LOG_FORMAT'>, stdoutIsTty = process.stdout.isTTY === true): boolean {
  return settings.LOG_FORMAT === 'pretty' || (settings.LOG_FORMAT === undefined && stdoutIsTty);
}

/** The service's one pino logger: every log line of the process, the access log included, goes through it. */
export function createRootLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: pinoLevel(settings),
    base: { service: 'parsesphere-keys', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
  };
  const output = destination ?? (wantsPrettyLogs(settings) ? prettyStdout() : pino.destination(1));
  return pino(options, output);
}

/** One line per entry for people: time, level, [component] message, then the other fields. */
function prettyStdout(): DestinationStream {
  return pretty({
    colorize: process.stdout.isTTY === true,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context',
    messageFormat: '[{context}] {msg}',
  });
}

/**
 * The entry point's own lines (`context: "Main"`: the start, `listening`, `stopping`, `stopped`), written
 * synchronously: `stopped` comes just before the process ends by the signal it received, which waits for no
 * write still under way. A handful of lines per run.
 */
export function createMainLogger(settings: LogSettings): Logger {
  return createRootLogger(settings, wantsPrettyLogs(settings) ? undefined : pino.destination({ dest: 1, sync: true })).child({ context: 'Main' });
}

/**
 * Writes now what the logger holds queued: its lines go to stdout asynchronously, and a process ended by a signal
 * (a stop raises the one it received) loses what is pending. What pino itself does at a normal exit. A stream
 * that cannot (pretty printing, a test's) has nothing queued or is not ours to flush.
 */
export function flushLogSync(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { flushSync?: () => void } | undefined>)[pino.symbols.streamSym];
  try {
    stream?.flushSync?.();
  } catch {
    // Not ready or already closed: nothing more can be written.
  }
}
