// @trainwire/core/mock-kit: what every trainwire mock shares (msw handlers, FastAPI-style answers,
// idempotency, paging, seeded ids, request ids) and the spec guard the sandbox and the tests use.
export { checkJsonBody } from './check-json-body.js';
export { type CheckParamsOptions, checkParams } from './check-params.js';
export { createRequestChecker, type GuardedRequest, type RequestCheck, type RequestChecker } from './check-request.js';
export { coerceParams, schemaTypes } from './coerce-params.js';
export { detail, jsonInvalid, type ValidationProblem, validationError } from './fastapi-errors.js';
export type { HandlerGroup } from './handler-group.js';
export { IdempotencyReplay, type IdempotencyReplayOptions } from './idempotency-replay.js';
export { isJsonMedia } from './json-media.js';
export { mockHttp } from './mock-http.js';
export { cursorPage, decodeOffsetCursor, encodeOffsetCursor } from './offset-cursor.js';
export { type OffsetPage, type OffsetPageOptions, pageOf, readOffsetPage } from './offset-page.js';
export { createOperationMatcher, type MatchResult, type OperationMatch, type OperationMatcher } from './operation-matcher.js';
export { parseJsonBody } from './parse-json-body.js';
export { REQUEST_ID_HEADER, RequestIds, type RequestIdsOptions } from './request-ids.js';
export { type RandomSource, seededHex, seededToken, seededUuid } from './seeded-ids.js';
