import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkJsonBody, checkParams, isJsonMedia } from '@trainwire/core/mock-kit';
import { answerWithMock } from './answer-with-mock.js';
import type { FaultKind } from './fault.js';
import { FAULT_HEADER } from './fault-plan.js';
import type { MountedService } from './mounted-service.js';
import { BodyTooLargeError, hasBody, incomingHeaders, readBody } from './node-request.js';
import { RequestScope, type ServeContext } from './request-scope.js';

const FAULT_STATUS: Partial<Record<FaultKind, number>> = { '429': 429, '500': 500, '502': 502, '503': 503 };

/**
 * Serve one request addressed to a mounted service: inject the faults asked for, find the operation
 * in the spec, check its params and JSON body, then let the mock answer (see `answerWithMock`).
 */
export async function serveServiceRequest(
  mounted: MountedService,
  url: URL,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  context: ServeContext,
): Promise<void> {
  const path = url.pathname.slice(mounted.name.length + 1) || '/';
  const scope = new RequestScope(incoming, outgoing, context, mounted.name, path, url.search);
  const method = scope.entry.method;
  try {
    scope.useFaults(context.plan.choose(incomingHeaders(incoming), mounted.name));
  } catch (error) {
    return scope.reject(400, 'sandbox_bad_fault', `${FAULT_HEADER}: ${(error as Error).message}`);
  }

  // Faults a gateway would cause before the service sees anything.
  const fault = scope.fault;
  if (fault?.kind === 'reset') {
    scope.inject('reset');
    return scope.reset();
  }
  const faultStatus = fault && FAULT_STATUS[fault.kind];
  if (fault && faultStatus) {
    scope.inject(fault.kind);
    await scope.delay();
    const retryAfterMs = context.plan.retryAfterMs;
    const headers: Record<string, string> =
      faultStatus === 429 ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'retry-after-ms': String(retryAfterMs) } : {};
    return scope.reject(faultStatus, `sandbox_fault_${fault.kind}`, `Injected fault ${fault.kind} (trainwire-sandbox).`, headers);
  }

  const target = { path, search: url.search };
  if (mounted.service.outsideSpec?.some((prefix) => path.startsWith(prefix))) {
    return answerWithMock(scope, mounted, target, hasBody(incoming) ? 'stream' : undefined);
  }
  const title = mounted.service.title;
  const result = mounted.match(method, path);
  if ('none' in result) return scope.reject(404, 'sandbox_no_route', `No operation ${method} ${path} in the ${title} spec.`);
  if ('allowed' in result) {
    const allowed = result.allowed.join(', ');
    const message = `${method} ${path} is not in the ${title} spec (it allows ${allowed}).`;
    return scope.reject(405, 'sandbox_method_not_allowed', message, { allow: allowed });
  }
  const { operation, pathParams } = result.found;
  scope.entry.operationId = operation.operationId;
  const schemas = mounted.service.definition.schemas;
  const described = `${operation.operationId} (${method} ${path})`;
  const invalid = (where: string, reason: string) => scope.reject(400, 'sandbox_invalid_request', `${described}: ${where} ${reason}`);

  // Lenient (not `strict`): real SDKs send what a server tolerates, such as extra query parameters.
  const [paramIssue] = checkParams(operation, pathParams, url, incomingHeaders(incoming, [FAULT_HEADER]), schemas);
  if (paramIssue) return invalid(paramIssue.path, paramIssue.reason);

  if (!operation.body || !isJsonMedia(operation.body.contentType)) {
    return answerWithMock(scope, mounted, { ...target, operation }, hasBody(incoming) ? 'stream' : undefined);
  }
  const given = incoming.headers['content-type'];
  if (hasBody(incoming) && given && !isJsonMedia(given)) {
    const message = `${described}: body must be ${operation.body.contentType}, got ${given}`;
    return scope.reject(415, 'sandbox_unsupported_media_type', message);
  }
  let body: Uint8Array<ArrayBuffer> | undefined;
  try {
    body = hasBody(incoming) ? await readBody(incoming, context.maxJsonBodyBytes) : undefined;
  } catch (error) {
    if (error instanceof BodyTooLargeError) return scope.reject(413, 'sandbox_body_too_large', `${described}: ${error.message}`);
    throw error;
  }
  const bodyIssue = checkJsonBody(operation, body ? Buffer.from(body).toString('utf8') : '', schemas);
  if (bodyIssue) return invalid(bodyIssue.path, bodyIssue.reason);
  return answerWithMock(scope, mounted, { ...target, operation }, body);
}
