import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { answerError } from './answer-error.js';

/** Every error Nest sees, answered and logged by answerError. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerError(http.getResponse<Response>(), exception, http.getRequest<Request>().requestId, this.logger);
  }
}
