import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { answerError } from './answer-error.js';
import { routeNotFoundWithoutQuery } from './route-not-found.js';

/** Every error Nest sees, answered and logged by answerError. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    answerError(http.getResponse<Response>(), routeNotFoundWithoutQuery(exception, request), request.requestId, this.logger);
  }
}
