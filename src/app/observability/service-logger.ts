import type { LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter: one line per module and route, useful when debugging, noise otherwise. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * The logger installed app-wide (main.ts): nestjs-pino's, with Nest's start-up lines moved to debug. The
 * service's own start line ("listening", with the URL) is written once the port is actually bound.
 */
export class ServiceLogger implements LoggerService {
  constructor(private readonly pino: Required<LoggerService>) {}

  log(message: unknown, ...params: unknown[]): void {
    if (FRAMEWORK_CONTEXTS.has(params[params.length - 1] as string)) this.pino.debug(message, ...params);
    else this.pino.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.pino.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.pino.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.pino.debug(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.pino.verbose(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.pino.fatal(message, ...params);
  }
}
