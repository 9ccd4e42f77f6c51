import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../domain/domain-error.js';
import { StoreUnavailableError } from '../storage/store-unavailable.error.js';
import { INTERNAL_ERROR_MESSAGE, STATUS_BY_CODE } from './error-response.js';
import { sendError } from './send-json.js';

/** The one place where errors become HTTP: every body is {"error": {"type", "message"}}. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { status, message } = this.describe(exception, req);
    sendError(res, status, message);
  }

  private describe(exception: unknown, req: Request): { status: number; message: string } {
    if (exception instanceof DomainError) {
      return { status: STATUS_BY_CODE[exception.code], message: exception.message };
    }
    if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`${req.requestId} ${exception.message}`);
      return { status: 503, message: 'A backing store is unavailable. Retry shortly.' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) this.logger.error(`${req.requestId} ${exception.message}`, exception.stack);
      return { status, message: httpExceptionMessage(exception) };
    }
    this.logger.error(`${req.requestId} unhandled ${describeUnknown(exception)}`, (exception as Error)?.stack);
    return { status: 500, message: INTERNAL_ERROR_MESSAGE };
  }
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function describeUnknown(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : typeof exception;
}
