import { APIPromise, type CallOptions, type OperationDefinition, type RequestOptions, type Transport } from '@trainwire/core';
import type { paths } from '../generated/runicorn.js';
import { ConnectionError, runicornError } from './runicorn-errors.js';

/** The transport calls the Runicorn client and its extensions share: closable, with Runicorn errors. */
export interface RunicornCaller {
  request: Transport<paths>['request'];
  requestRaw: Transport<paths>['requestRaw'];
  readonly baseURL: string;
  readonly closed: boolean;
  close(): void;
}

/** Wrap a transport so `close()` aborts calls in flight and refuses new ones, and failures carry the documented classes. */
export function runicornCaller(transport: Transport<paths>): RunicornCaller {
  const controller = new AbortController();
  const context = { baseURL: transport.baseURL, closed: false };
  const merged = async (options: RequestOptions | undefined): Promise<RequestOptions> => {
    if (context.closed) throw new ConnectionError({ message: 'The Runicorn client was closed.', attempts: 0 });
    return { ...options, signal: options?.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal };
  };
  const mapError = (error: unknown) => runicornError(error, context);
  const guard = async <T>(options: RequestOptions | undefined, call: (options: RequestOptions) => Promise<T>): Promise<T> => {
    try {
      return await call(await merged(options));
    } catch (error) {
      throw mapError(error);
    }
  };
  return {
    baseURL: transport.baseURL,
    get closed() {
      return context.closed;
    },
    request: ((method: never, path: never, init: never, options?: RequestOptions, operation?: OperationDefinition) =>
      APIPromise.after(
        () => merged(options),
        (signalled) => transport.request(method, path, init, signalled, operation),
        mapError,
      )) as Transport<paths>['request'],
    requestRaw: ((method: never, path: never, init: never, options?: RequestOptions, call?: CallOptions) =>
      guard(options, (signalled) => transport.requestRaw(method, path, init, signalled, call))) as Transport<paths>['requestRaw'],
    close() {
      context.closed = true;
      controller.abort(new ConnectionError({ message: 'The Runicorn client was closed.', attempts: 0 }));
    },
  };
}
