import { NotFoundException } from '@nestjs/common';

/**
 * Nest answers a path no route takes with "Cannot GET /path?query". The query string is cut from that answer: a
 * token or password a client put there by mistake (keys are redacted anyway) would otherwise go back into whatever
 * logs the client's errors. The path stays, as sent, so the caller sees which one was wrong.
 */
export function routeNotFoundWithoutQuery(exception: unknown, request: { method: string; originalUrl: string }): unknown {
  if (!(exception instanceof NotFoundException)) return exception;
  const { method, originalUrl } = request;
  const query = originalUrl.indexOf('?');
  if (query < 0 || exception.message !== `Cannot ${method} ${originalUrl}`) return exception;
  return new NotFoundException(`Cannot ${method} ${originalUrl.slice(0, query)}`);
}
