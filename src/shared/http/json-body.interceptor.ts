import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import express, { type Request, type Response } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../application/errors.js';
import { isApiPath } from './api-answer-header-fields.js';
import { bodyFieldsOf, takesArgument } from './route-arguments.js';
import { checkJsonShape } from './json-shape.js';
import { refuseQueryParameters } from './query-parameters.js';
import { unknownField } from './unknown-field.js';
import { BODY_REFUSALS, contentTypeRefusal, hasRequestBody, MAX_BODY_BYTES, refuseInvalidUtf8 } from './read-json-body.js';

const ACCEPTED_CONTENT_ENCODINGS = new Set(['identity', 'gzip', 'deflate']);

/**
 * Reads the request body as JSON. An interceptor runs after the guards, so the body of a request that fails
 * authentication is never read: an anonymous caller gets the same 401 whatever it sends, and learns nothing
 * about how bodies are validated. Then the body's shape is checked (depth, prototype names) before any pipe
 * transforms it. Refusals are application errors or body-parser errors, answered by toHttpError.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  // Not strict: a body of `5` or `null` is JSON, refused by the validation pipe as not an object rather than as not JSON.
  private readonly parseJson = express.json({ limit: MAX_BODY_BYTES, strict: false, verify: refuseInvalidUtf8 });

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    return from(this.read(http.getRequest<Request>(), http.getResponse<Response>(), context)).pipe(switchMap(() => next.handle()));
  }

  private async read(req: Request, res: Response, context: ExecutionContext): Promise<void> {
    if (hasRequestBody(req)) {
      const refusal = contentTypeRefusal(req.headers['content-type']);
      if (refusal !== null) throw refusal;
      // body-parser would decode any utf-* charset (UTF-16 too) and refuse "utf8": the body is UTF-8, as checked.
      req.headers['content-type'] = 'application/json';
      const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (!ACCEPTED_CONTENT_ENCODINGS.has(encoding)) throw new UnsupportedMediaType(BODY_REFUSALS.encodingUnsupported);
      // As the routes ahead of express do (readJsonBody): express.json answers a declared length over its limit only
      // once the whole body has come, so a client declaring 1 GB waited for HTTP_REQUEST_TIMEOUT_MS and got a 408.
      if (encoding === 'identity' && Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
        throw new PayloadTooLarge(BODY_REFUSALS.tooLarge);
      }
    }
    await new Promise<void>((resolve, reject) => this.parseJson(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
    // express.json skips a request whose connection closed while the guards ran, leaving no body: not the same as none.
    if (hasRequestBody(req) && !req.readableEnded) throw new InvalidRequest(BODY_REFUSALS.cutShort);
    checkJsonShape(req.body);
    checkJsonShape(req.query);
    // A GET's body means nothing (RFC 9110) and is let be once read; a change that takes none refuses one with fields.
    // A /v1 route without a @Query() declares no query parameter: any is refused (query-parameters.ts), after the
    // body is read and before its fields are validated, as on the verify route.
    if (isApiPath(req.path) && !takesArgument(context, RouteParamtypes.QUERY)) refuseQueryParameters(req.query, () => bodyFieldsOf(context));
    if (hasRequestBody(req) && req.method !== 'GET' && req.method !== 'HEAD' && !takesArgument(context, RouteParamtypes.BODY)) refuseFields(req.body);
  }
}

/** A body sent where none is declared: `{}` is no field at all; anything in it is refused like any unknown field. */
function refuseFields(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequest(BODY_REFUSALS.notAnObject);
  const fields = Object.keys(body);
  if (fields.length > 0) throw new InvalidRequest(fields.map((name) => unknownField(name)).join('; '));
}
