import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact, sleep } from '@trainwire/core';
import type { Fault, FaultKind } from './fault.js';
import type { FaultPlan } from './fault-plan.js';
import { sendResponse } from './node-response.js';
import { redactQuery } from './redact-query.js';
import { SANDBOX_ERROR_HEADER, sendSandboxError } from './send-sandbox-error.js';

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
  /** The path below the service's base URL, with its query (credential parameters redacted). */
  path: string;
  /** The status sent, or `'reset'` when the connection was dropped. */
  status: number | 'reset';
  operationId?: string;
  /** The `x-request-id` the answer carried (the mock's, or the sandbox's for its own answers). */
  requestId?: string;
  faults: FaultKind[];
  durationMs: number;
  /** Why the sandbox answered instead of the mock, or how the mock broke its spec. */
  problem?: string;
}

/** What every request needs from the sandbox around it. */
export interface ServeContext {
  plan: FaultPlan;
  maxJsonBodyBytes: number;
  violation(entry: SpecViolation): void;
  log(entry: SandboxRequestEntry): void;
}

/** One request in flight: its log entry, its faults, and the ways it can end. */
export class RequestScope {
  readonly entry: SandboxRequestEntry;
  /** Aborts when the client goes away before the answer is sent. */
  readonly closed = new AbortController();
  /** The fault that replaces or cuts the answer (anything but `slow`). */
  fault: Fault | undefined;
  #slow: Fault | undefined;
  readonly #started = performance.now();

  constructor(
    readonly incoming: IncomingMessage,
    readonly outgoing: ServerResponse,
    readonly context: ServeContext,
    service: string,
    path: string,
    search: string,
  ) {
    this.entry = {
      service,
      method: (incoming.method ?? 'GET').toUpperCase(),
      path: `${path}${redactQuery(search)}`,
      status: 0,
      faults: [],
      durationMs: 0,
    };
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) this.closed.abort(new Error('The client went away.'));
    });
  }

  /** Take the faults chosen for this request. */
  useFaults(faults: Fault[]): void {
    this.fault = faults.find((item) => item.kind !== 'slow');
    this.#slow = faults.find((item) => item.kind === 'slow');
  }

  /** Count a fault as injected into this request. */
  inject(kind: FaultKind): void {
    this.context.plan.count(kind);
    this.entry.faults.push(kind);
  }

  /** Wait out a `slow` fault, if there is one (cut short if the client goes away). */
  async delay(): Promise<void> {
    if (!this.#slow) return;
    this.inject('slow');
    await sleep(this.#slow.delayMs ?? 0, this.closed.signal).catch(() => undefined);
  }

  /** Drop the connection without an answer. */
  reset(problem?: string): void {
    this.incoming.socket.destroy();
    this.finish('reset', problem);
  }

  /** Answer with an error of the sandbox's own. */
  reject(status: number, code: string, message: string, headers?: Record<string, string>): void {
    sendSandboxError(this.outgoing, status, code, message, headers);
    this.finish(status, message);
  }

  /**
   * Refuse the request on the service's behalf with the answer the real service gives (its own body
   * and status), marked with the sandbox's error code so a log can tell it from the mock's.
   */
  async rejectAs(response: Response, code: string, message: string): Promise<void> {
    response.headers.set(SANDBOX_ERROR_HEADER, code);
    await sendResponse(this.outgoing, response, new Uint8Array(await response.arrayBuffer()));
    this.finish(response.status, message);
  }

  /** Log the request as done. */
  finish(status: number | 'reset', problem?: string): void {
    this.entry.status = status;
    const requestId = this.outgoing.getHeader('x-request-id');
    if (status !== 'reset' && typeof requestId === 'string') this.entry.requestId = requestId;
    if (problem) this.entry.problem = redact(problem);
    this.entry.durationMs = Math.round(performance.now() - this.#started);
    this.context.log(this.entry);
  }
}
