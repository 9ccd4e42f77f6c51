import type { ServerResponse } from 'node:http';
import { HttpException, type Logger } from '@nestjs/common';
import { toHttpError } from './error-mapping.js';
import { sendHttpError } from './send-json.js';

/**
 * The last step of every route, filter and middleware that fails: answers as toHttpError says, and logs what
 * the server should know about (a store down as a warning, anything unexpected as an error with its stack).
 */
export function answerError(res: ServerResponse, error: unknown, requestId: string, logger: Logger): void {
  const answer = toHttpError(error);
  if (answer.log === 'warn') logger.warn(`${requestId} ${(error as Error).message}`);
  if (answer.log === 'error') {
    if (error instanceof HttpException) logger.error(`${requestId} ${error.message}`, error.stack);
    else logger.error(`${requestId} unhandled ${describeUnknown(error)}`, (error as Error)?.stack);
  }
  sendHttpError(res, answer);
}

function describeUnknown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
