import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type HttpError, toHttpError } from './error-mapping.js';
import { sendHttpError } from './send-json.js';

/** Answers every error Nest sees as toHttpError says, and logs what the server should know about. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const answer = toHttpError(exception);
    this.log(exception, answer, req.requestId);
    sendHttpError(res, answer);
  }

  private log(exception: unknown, answer: HttpError, requestId: string): void {
    if (answer.log === 'warn') this.logger.warn(`${requestId} ${(exception as Error).message}`);
    if (answer.log !== 'error') return;
    if (exception instanceof HttpException) this.logger.error(`${requestId} ${exception.message}`, exception.stack);
    else this.logger.error(`${requestId} unhandled ${describeUnknown(exception)}`, (exception as Error)?.stack);
  }
}

function describeUnknown(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : typeof exception;
}
