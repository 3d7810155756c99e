import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from '@trainwire/core';
import { getResponse, RequestHandler } from 'msw';
import { checkJsonBody } from './check-json-body.js';
import { checkParams } from './check-params.js';
import { checkResponse, declaredResponse } from './check-response.js';
import type { Fault, FaultKind } from './fault.js';
import { FAULT_HEADER, type FaultPlan } from './fault-plan.js';
import { isJsonMedia } from './json-media.js';
import { BodyTooLargeError, hasBody, incomingHeaders, readBody, toFetchRequest } from './node-request.js';
import { sendResponse, writeHead } from './node-response.js';
import type { MatchResult } from './operation-matcher.js';
import type { SandboxMock, SandboxService } from './sandbox-service.js';
import { sendSandboxError } from './send-sandbox-error.js';

/** A service as mounted in a running sandbox. */
export interface MountedService {
  name: string;
  service: SandboxService;
  mock: SandboxMock;
  /** `http://127.0.0.1:PORT/<name>`: the mock's base URL. */
  baseURL: string;
  match: (method: string, path: string) => MatchResult;
}

/** A spec violation by a mock's response: a bug in the mock. */
export interface SpecViolation {
  service: string;
  operationId: string;
  method: string;
  path: string;
  status: number;
  message: string;
}

/** One line of the request log. */
export interface SandboxRequestEntry {
  service: string;
  method: string;
  /** The path below the service's base URL, with its query. */
  path: string;
  /** The status sent, or `'reset'` when the connection was dropped. */
  status: number | 'reset';
  operationId?: string;
  faults: FaultKind[];
  durationMs: number;
  /** Why the sandbox answered instead of the mock, or how the mock broke its spec. */
  problem?: string;
}

/** What a request needs from the sandbox around it. */
export interface ServeContext {
  plan: FaultPlan;
  maxJsonBodyBytes: number;
  violation(entry: SpecViolation): void;
  log(entry: SandboxRequestEntry): void;
}

const FAULT_STATUS: Partial<Record<FaultKind, number>> = { '429': 429, '500': 500, '502': 502, '503': 503 };

/**
 * Serve one request addressed to a mounted service: inject the faults asked for, match the
 * operation in the spec, check params and JSON body, let the mock's msw handlers answer, check the
 * answer against the spec, and send it back (streamed both ways when it is not JSON).
 */
export async function serveServiceRequest(
  mounted: MountedService,
  url: URL,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  context: ServeContext,
): Promise<void> {
  const started = performance.now();
  const method = (incoming.method ?? 'GET').toUpperCase();
  const path = url.pathname.slice(mounted.name.length + 1) || '/';
  const entry: SandboxRequestEntry = { service: mounted.name, method, path: `${path}${url.search}`, status: 0, faults: [], durationMs: 0 };
  const closed = new AbortController();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) closed.abort(new Error('The client went away.'));
  });
  const finish = (status: number | 'reset', problem?: string) => {
    entry.status = status;
    if (problem) entry.problem = problem;
    entry.durationMs = Math.round(performance.now() - started);
    context.log(entry);
  };
  const inject = (kind: FaultKind) => {
    context.plan.count(kind);
    entry.faults.push(kind);
  };
  const reject = (status: number, code: string, message: string, headers?: Record<string, string>) => {
    sendSandboxError(outgoing, status, code, message, headers);
    finish(status, message);
  };

  const mockHeaders = incomingHeaders(incoming, [FAULT_HEADER]);
  let faults: Fault[];
  try {
    faults = context.plan.choose(incomingHeaders(incoming));
  } catch (error) {
    return reject(400, 'sandbox_bad_fault', `${FAULT_HEADER}: ${(error as Error).message}`);
  }
  const fault = faults.find((item) => item.kind !== 'slow');
  const slow = faults.find((item) => item.kind === 'slow');
  const delay = async () => {
    if (!slow) return;
    inject('slow');
    await sleep(slow.delayMs ?? 0, closed.signal).catch(() => undefined);
  };

  // Faults a gateway would cause before the service sees anything.
  if (fault?.kind === 'reset') {
    inject('reset');
    incoming.socket.destroy();
    return finish('reset');
  }
  const faultStatus = fault && FAULT_STATUS[fault.kind];
  if (fault && faultStatus) {
    inject(fault.kind);
    await delay();
    const headers: Record<string, string> = {};
    if (faultStatus === 429) {
      headers['retry-after'] = String(Math.ceil(context.plan.retryAfterMs / 1000));
      headers['retry-after-ms'] = String(context.plan.retryAfterMs);
    }
    return reject(faultStatus, `sandbox_fault_${fault.kind}`, `Injected fault ${fault.kind} (trainwire-sandbox).`, headers);
  }

  const result = mounted.match(method, path);
  if ('none' in result) {
    return reject(404, 'sandbox_no_route', `No operation ${method} ${path} in the ${mounted.service.title} spec.`);
  }
  if ('allowed' in result) {
    const allowed = result.allowed.join(', ');
    return reject(
      405,
      'sandbox_method_not_allowed',
      `${method} ${path} is not in the ${mounted.service.title} spec (it allows ${allowed}).`,
      {
        allow: allowed,
      },
    );
  }
  const { operation, pathParams } = result.found;
  entry.operationId = operation.operationId;
  const schemas = mounted.service.definition.schemas;
  const invalid = (where: string, reason: string) =>
    reject(400, 'sandbox_invalid_request', `${operation.operationId} (${method} ${path}): ${where} ${reason}`);

  const paramIssue = checkParams(operation, pathParams, url, mockHeaders, schemas);
  if (paramIssue) return invalid(paramIssue.path, paramIssue.reason);

  let body: Uint8Array<ArrayBuffer> | 'stream' | undefined;
  if (operation.body && isJsonMedia(operation.body.contentType)) {
    const given = incoming.headers['content-type'];
    if (hasBody(incoming) && given && !isJsonMedia(given)) {
      return reject(
        415,
        'sandbox_unsupported_media_type',
        `${operation.operationId} (${method} ${path}): body must be ${operation.body.contentType}, got ${given}`,
      );
    }
    try {
      body = hasBody(incoming) ? await readBody(incoming, context.maxJsonBodyBytes) : undefined;
    } catch (error) {
      if (error instanceof BodyTooLargeError) return reject(413, 'sandbox_body_too_large', `${operation.operationId}: ${error.message}`);
      throw error;
    }
    const bodyIssue = checkJsonBody(operation, body ? Buffer.from(body).toString('utf8') : '', schemas);
    if (bodyIssue) return invalid(bodyIssue.path, bodyIssue.reason);
  } else if (hasBody(incoming)) {
    body = 'stream';
  }

  const request = toFetchRequest(incoming, `${mounted.baseURL}${path}${url.search}`, mockHeaders, body, closed.signal);
  if (body === 'stream') {
    // msw clones every request for its logs (`RequestHandler.cache`); a clone tees the body stream and the
    // unread branch would hold a whole upload in memory. Give it a body-less copy instead.
    RequestHandler.cache.set(request, new Request(request.url, { method: request.method, headers: request.headers }));
  }
  let response: Response | undefined;
  try {
    response = await getResponse(mounted.mock.handlers, request);
  } catch (error) {
    if (closed.signal.aborted) return finish('reset', 'the client went away');
    return reject(
      500,
      'sandbox_mock_error',
      `The ${mounted.service.title} mock threw on ${operation.operationId}: ${(error as Error).message}`,
    );
  }
  if (!response) {
    return reject(
      501,
      'sandbox_not_implemented',
      `The ${mounted.service.title} mock does not implement ${operation.operationId} (${method} ${path}).`,
    );
  }

  let bytes: Uint8Array | undefined;
  const declared = declaredResponse(operation, response.status);
  if (isJsonMedia(response.headers.get('content-type')) && (!declared || declared.schema)) {
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  const problem = checkResponse(
    operation,
    response.status,
    response.headers.get('content-type'),
    bytes && Buffer.from(bytes).toString('utf8'),
    schemas,
  );
  if (problem) {
    context.violation({
      service: mounted.name,
      operationId: operation.operationId,
      method,
      path,
      status: response.status,
      message: problem.message,
    });
    if (problem.severe) {
      return reject(
        500,
        'sandbox_spec_violation',
        `The ${mounted.service.title} mock broke its spec on ${operation.operationId}: ${problem.message}`,
      );
    }
  }

  // Faults that strike once the service has done the work: the client cannot tell whether it happened.
  if (fault?.kind === 'reset-after') {
    inject('reset-after');
    if (!response.bodyUsed) await response.body?.cancel();
    incoming.socket.destroy();
    return finish('reset');
  }
  await delay();
  if (fault?.kind === 'truncate') {
    inject('truncate');
    const whole = bytes ?? new Uint8Array(await response.arrayBuffer());
    writeHead(outgoing, response, { 'content-length': String(Math.max(whole.byteLength, 1)) });
    outgoing.write(whole.subarray(0, Math.floor(whole.byteLength / 2)), () => incoming.socket.destroy());
    return finish('reset');
  }
  try {
    await sendResponse(outgoing, response, bytes);
  } catch {
    return finish('reset', 'the client went away');
  }
  finish(response.status, problem?.message);
}
