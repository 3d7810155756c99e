import type { OperationDefinition } from '@trainwire/core';
import { isJsonMedia } from '@trainwire/core/mock-kit';
import { getResponse, RequestHandler } from 'msw';
import { checkResponse, declaredResponse } from './check-response.js';
import { FAULT_HEADER } from './fault-plan.js';
import type { MountedService } from './mounted-service.js';
import { incomingHeaders, toFetchRequest } from './node-request.js';
import { sendResponse, writeHead } from './node-response.js';
import type { RequestScope } from './request-scope.js';

/**
 * Let the mock's msw handlers answer the request, check the answer against the operation (when the
 * request addressed one), apply the faults that strike after the work is done, and send it.
 */
export async function answerWithMock(
  scope: RequestScope,
  mounted: MountedService,
  target: { path: string; search: string; operation?: OperationDefinition },
  body: Uint8Array<ArrayBuffer> | 'stream' | undefined,
): Promise<void> {
  const { incoming, outgoing, entry } = scope;
  const { operation } = target;
  const title = mounted.service.title;
  const headers = incomingHeaders(incoming, [FAULT_HEADER]);
  const request = toFetchRequest(incoming, `${mounted.baseURL}${target.path}${target.search}`, headers, body, scope.closed.signal);
  if (body === 'stream') {
    // msw clones every request for its logs (`RequestHandler.cache`); a clone tees the body stream and the
    // unread branch would hold a whole upload in memory. Give it a body-less copy instead.
    RequestHandler.cache.set(request, new Request(request.url, { method: request.method, headers: request.headers }));
  }
  const described = operation ? `${operation.operationId} (${entry.method} ${target.path})` : `${entry.method} ${target.path}`;
  let response: Response | undefined;
  try {
    response = await getResponse(mounted.mock.handlers, request);
  } catch (error) {
    if (scope.closed.signal.aborted) return scope.finish('reset', 'the client went away');
    return scope.reject(500, 'sandbox_mock_error', `The ${title} mock threw on ${described}: ${(error as Error).message}`);
  }
  if (!response) return scope.reject(501, 'sandbox_not_implemented', `The ${title} mock does not implement ${described}.`);

  let bytes: Uint8Array | undefined;
  let problem: string | undefined;
  if (operation) {
    const declared = declaredResponse(operation, response.status);
    const contentType = response.headers.get('content-type');
    if (isJsonMedia(contentType) && (!declared || declared.schema)) bytes = new Uint8Array(await response.arrayBuffer());
    const found = checkResponse(
      operation,
      response.status,
      contentType,
      bytes && Buffer.from(bytes).toString('utf8'),
      mounted.service.definition.schemas,
    );
    if (found) {
      problem = found.message;
      scope.context.violation({
        service: mounted.name,
        operationId: operation.operationId,
        method: entry.method,
        path: target.path,
        status: response.status,
        message: found.message,
      });
      if (found.severe) {
        return scope.reject(
          500,
          'sandbox_spec_violation',
          `The ${title} mock broke its spec on ${operation.operationId}: ${found.message}`,
        );
      }
    }
  }

  // Faults that strike once the service has done the work: the client cannot tell whether it happened.
  if (scope.fault?.kind === 'reset-after') {
    scope.inject('reset-after');
    if (!response.bodyUsed) await response.body?.cancel();
    return scope.reset();
  }
  await scope.delay();
  if (scope.fault?.kind === 'truncate') {
    scope.inject('truncate');
    const whole = bytes ?? new Uint8Array(await response.arrayBuffer());
    writeHead(outgoing, response, { 'content-length': String(Math.max(whole.byteLength, 1)) });
    outgoing.write(whole.subarray(0, Math.floor(whole.byteLength / 2)), () => incoming.socket.destroy());
    return scope.finish('reset');
  }
  try {
    await sendResponse(outgoing, response, bytes);
  } catch {
    return scope.finish('reset', 'the client went away');
  }
  scope.finish(response.status, problem);
}
