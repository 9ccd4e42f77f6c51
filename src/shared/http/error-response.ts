export interface ErrorBody {
  error: { type: string; message: string };
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  409: 'conflict_error',
  412: 'precondition_failed_error',
  413: 'payload_too_large_error',
  415: 'unsupported_media_type_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'service_unavailable_error',
};

/** Every error type an answer may carry: the OpenAPI document lists them, so that a generated client can tell them apart. */
export const ERROR_TYPES: readonly string[] = [...new Set(Object.values(TYPE_BY_STATUS))];

/** The one error body, {"error": {"type", "message"}}, its type chosen by status. */
export function errorBody(status: number, message: string): ErrorBody {
  const type = TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { error: { type, message } };
}

export const INTERNAL_ERROR_MESSAGE = 'An internal error occurred. Quote the request id when reporting it.';
