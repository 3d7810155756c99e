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
 * in the spec, check its params and JSON body (a body of another media type the operation declares
 * goes to the mock unchecked), then let the mock answer (see `answerWithMock`).
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
  const { title, rejection } = mounted.service;
  const result = mounted.match(method, path);
  if ('none' in result) {
    const message = `No operation ${method} ${path} in the ${title} spec.`;
    const answer = rejection?.notFound?.();
    return answer ? scope.rejectAs(answer, 'sandbox_no_route', message) : scope.reject(404, 'sandbox_no_route', message);
  }
  if ('allowed' in result) {
    const allowed = result.allowed.join(', ');
    const message = `${method} ${path} is not in the ${title} spec (it allows ${allowed}).`;
    const answer = rejection?.methodNotAllowed?.(result.allowed);
    if (answer) answer.headers.set('allow', allowed);
    return answer
      ? scope.rejectAs(answer, 'sandbox_method_not_allowed', message)
      : scope.reject(405, 'sandbox_method_not_allowed', message, { allow: allowed });
  }
  const { operation, pathParams } = result.found;
  scope.entry.operationId = operation.operationId;
  const schemas = mounted.service.definition.schemas;
  const described = `${operation.operationId} (${method} ${path})`;
  const invalid = (issues: { path: string; reason: string }[]) => {
    const [first] = issues as [{ path: string; reason: string }];
    const message = `${described}: ${first.path} ${first.reason}`;
    const answer = rejection?.invalid(issues);
    return answer ? scope.rejectAs(answer, 'sandbox_invalid_request', message) : scope.reject(400, 'sandbox_invalid_request', message);
  };

  // Lenient (not `strict`): real SDKs send what a server tolerates, such as extra query parameters.
  const paramIssues = checkParams(operation, pathParams, url, incomingHeaders(incoming, [FAULT_HEADER]), schemas);
  if (paramIssues.length > 0) return invalid(paramIssues);

  if (!operation.body || !isJsonMedia(operation.body.contentType)) {
    return answerWithMock(scope, mounted, { ...target, operation }, hasBody(incoming) ? 'stream' : undefined);
  }
  const given = incoming.headers['content-type'];
  if (hasBody(incoming) && given && !isJsonMedia(given)) {
    // Another media type the spec declares (Tinker's protobuf): the mock reads it; its JSON schema does not apply.
    const others = operation.body.otherContentTypes ?? [];
    if (others.includes((given.split(';')[0] ?? '').trim().toLowerCase())) {
      return answerWithMock(scope, mounted, { ...target, operation }, 'stream');
    }
    const message = `${described}: body must be ${[operation.body.contentType, ...others].join(' or ')}, got ${given}`;
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
  if (bodyIssue) return invalid([bodyIssue]);
  return answerWithMock(scope, mounted, { ...target, operation }, body);
}
