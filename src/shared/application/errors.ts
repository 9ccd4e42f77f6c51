/**
 * Why the application refuses or cannot serve a request, for reasons that are not the domain's:
 * the request's form, the caller's identity, rights or pace, the service's own state, or the transport.
 * Like domain errors they know no HTTP; src/shared/http/error-mapping.ts gives each kind its status.
 */
export type ApplicationErrorKind =
  | 'invalid_request'
  | 'unknown_reference'
  | 'unauthenticated'
  | 'permission_denied'
  | 'rate_limited'
  | 'unavailable'
  | 'concurrency_conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed';

export abstract class ApplicationError extends Error {
  abstract readonly kind: ApplicationErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request is malformed: a body or parameter that fails validation, an unknown cursor, an id that is no UUID. */
export class InvalidRequest extends ApplicationError {
  readonly kind = 'invalid_request';
}

/** A well-formed parameter names something this caller has not got (a page cursor naming an unknown key). */
export class UnknownReference extends ApplicationError {
  readonly kind = 'unknown_reference';
}

/** No credential, or one that identifies no one. */
export class Unauthenticated extends ApplicationError {
  readonly kind = 'unauthenticated';
}

/** The caller is known but may not do this. */
export class PermissionDenied extends ApplicationError {
  readonly kind = 'permission_denied';
}

/** The caller goes too fast; retryAfterSeconds, when known, tells it when to come back. */
export class RateLimited extends ApplicationError {
  readonly kind = 'rate_limited';

  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The service cannot answer now (a read model lags, the service is stopping); a retry may succeed. */
export class ServiceUnavailable extends ApplicationError {
  readonly kind = 'unavailable';
}

/** Concurrent writers kept changing the same stream, or another request on it is still in progress; retryAfterSeconds, when known, says when to try again. */
export class ConcurrencyConflict extends ApplicationError {
  readonly kind = 'concurrency_conflict';

  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The caller's If-Match names a version of the resource that is no longer current: nothing was changed. */
export class PreconditionFailed extends ApplicationError {
  readonly kind = 'precondition_failed';

  constructor(
    message: string,
    /** The entity-tag of what is current, so the client can retry from it without reading it again. */
    readonly currentEntityTag?: string,
  ) {
    super(message);
  }
}

/** The request body is over the size limit. */
export class PayloadTooLarge extends ApplicationError {
  readonly kind = 'payload_too_large';
}

/** The request body is not UTF-8 JSON. */
export class UnsupportedMediaType extends ApplicationError {
  readonly kind = 'unsupported_media_type';
}

/** The path exists, but not with this method; `allowed` lists the methods it does serve. */
export class MethodNotAllowed extends ApplicationError {
  readonly kind = 'method_not_allowed';

  constructor(
    method: string,
    readonly allowed: readonly string[],
  ) {
    super(`Method ${method} is not allowed on this path. Allowed: ${allowed.join(', ')}.`);
  }
}
