import type { OpenAPIObject } from '@nestjs/swagger';
import { isApiPath, isProbePath, NO_STORE_HEADER } from './api-answer-header-fields.js';

type Header = { description: string; required: true; schema: Record<string, unknown> };
type Operation = { responses?: Record<string, { headers?: Record<string, Header> }> };

const NO_STORE: Header = {
  description: "Always no-store: the answer is this caller's (a new key's plaintext among them), and no cache, shared or the client's own, may keep it.",
  required: true,
  schema: { type: 'string', enum: [NO_STORE_HEADER.value] },
};

/**
 * Declares Cache-Control: no-store on every answer of the operations that send it, by the same rule as
 * apiAnswerHeaders (every /v1 path and the probes): until 2026-12-07 every one was sent and none declared.
 */
export function documentNoStoreHeader(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isApiPath(path) && !isProbePath(path)) continue;
    for (const operation of Object.values(item) as Operation[]) {
      for (const response of Object.values(operation?.responses ?? {})) response.headers = { ...response.headers, [NO_STORE_HEADER.name]: NO_STORE };
    }
  }
  return document;
}
