import type { MaybeOptionalInit } from 'openapi-fetch';
import type {
  FilterKeys,
  HttpMethod,
  MediaType,
  PathsWithMethod,
  Readable,
  ResponseObjectMap,
  SuccessResponse,
} from 'openapi-typescript-helpers';
import { APIPromise } from './api-promise.js';
import { ConnectionCap, capped, DEFAULT_MAX_CONCURRENT_REQUESTS, releaseSlot } from './connection-cap.js';
import { encodePath } from './encode-path.js';
import type { ErrorClasses } from './error-from-response.js';
import { APIConnectionError, ConfigError, InvalidRequestError } from './errors.js';
import { type FetchOptions, fetchInitOptions } from './fetch-options.js';
import { idempotencyKey } from './idempotency-key.js';
import { createLevelLogger, type Logger, type LogLevel } from './logger.js';
import type { StreamFetch } from './node-stream.js';
import { isRawBody, STREAMED_BODY_INIT } from './raw-body.js';
import { readEnv } from './read-env.js';
import { clipRedacted, redact, redactValue, registerSecret, registerSecretHeader } from './redact.js';
import { afterRedirect, isRedirect, streamRedirectRefused } from './redirects.js';
import type { Fetch, RequestOptions } from './request-options.js';
import { type RetryContext, retryAttempts } from './retry.js';
import type { Validator } from './schema-validator.js';
import type { AuthDefinition, JsonSchema, OperationDefinition, ResponseCheck, ServiceDefinition } from './service-definition.js';
import { TrainwireError } from './trainwire-error.js';

/** Options every service client accepts (camelCase, each documented once here). */
export interface ClientOptions {
  /** API key; falls back to the service's environment variable. */
  apiKey?: string | undefined;
  /** Base URL of the service; falls back to the service's environment variable, then its default. */
  baseURL?: string | undefined;
  /** Per-attempt timeout in milliseconds. @default 60000 */
  timeout?: number | undefined;
  /** Retries of a failed attempt (0 turns retries off). @default 2 */
  maxRetries?: number | undefined;
  /** `fetch` to use instead of `globalThis.fetch` (read at call time, so test interceptors apply). */
  fetch?: Fetch | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
  /**
   * Extra fields for every `fetch` init, e.g. `{ dispatcher }` from undici or `proxyFromEnv()` from
   * `@trainwire/core/proxy` on Node. Reaches uploads and downloads too.
   */
  fetchOptions?: FetchOptions | undefined;
  /** Where log lines go; every line is redacted. @default globalThis.console */
  logger?: Logger | undefined;
  /** Least severe level logged. @default the TRAINWIRE_LOG environment variable, else 'warn' */
  logLevel?: LogLevel | undefined;
  /** Check 2xx bodies against the spec and throw `ResponseValidationError` on a mismatch. @default true */
  validateResponses?: boolean | undefined;
  /** Check params and bodies against the spec before sending and throw `InvalidRequestError` (service clients; see `TransportOptions.validator`). @default true */
  validateRequests?: boolean | undefined;
  /** Allow a plain-http base URL to a non-loopback host. @default false */
  allowInsecureHTTP?: boolean | undefined;
  /**
   * Largest response body read into memory, in bytes: a bigger or endless answer is cancelled and
   * throws `ResponseTooLargeError` (error bodies are capped at 1 MiB, or this when smaller; streamed
   * downloads are not capped). @default 67108864 (64 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Most requests of this client open at once; more wait in line (a streamed download holds its slot
   * until its body is read or cancelled). `0` or `Infinity`: no cap. @default 64
   */
  maxConcurrentRequests?: number | undefined;
}

/** What a service package gives {@link createTransport}: its resolved settings and its spec. */
export interface TransportOptions extends Omit<ClientOptions, 'baseURL' | 'allowInsecureHTTP'> {
  /** The generated table of the service's spec. */
  definition: ServiceDefinition;
  /** Resolved and normalised base URL (see `normalizeBaseURL`). */
  baseURL: string;
  /** How the key is sent. @default definition.auth */
  auth?: AuthDefinition | null | undefined;
  /** Header for idempotency keys on writes. @default definition.idempotencyHeader */
  idempotencyHeader?: string | null | undefined;
  /** Error classes by status for this service. */
  errorClasses?: ErrorClasses | undefined;
  /** `User-Agent` product token, e.g. `trainwire-tinker/0.1.0`. */
  userAgent?: string | undefined;
  /**
   * The JSON-schema interpreter, `schemaValidator` (a separate import, so a bundle carries it only
   * where it is given), or a function that loads it (`loadSchemaValidator`: a dynamic import, begun
   * when the transport is made and awaited by the first call that needs it). It checks params and
   * bodies before sending, names the path and reason of a response body a compiled check refuses,
   * and checks responses that have no compiled check. Without it, requests go unchecked and a
   * response is checked by its compiled check alone.
   */
  validator?: Validator | (() => Promise<Validator>) | undefined;
}

/** Extra knobs for one call that only service packages use. */
export interface CallOptions {
  /** Return the body as a stream (no buffering; the per-attempt timeout covers the headers only). */
  stream?: boolean;
  /** The request body is a one-shot stream: never retried. @default true when the body is a ReadableStream */
  streamingBody?: boolean;
  /**
   * The fetch for this call (and its redirect hops) when the client has no custom `fetch` and no
   * `fetchOptions`, e.g. `nodeStreamFetch()` of `@trainwire/core/node-stream`. @default globalThis.fetch
   */
  streamFetch?: StreamFetch | undefined;
}

/** The data of a 2xx answer of `Path`/`Method`. */
export type ResponseData<Paths, Path extends keyof Paths, Method extends HttpMethod> = Readable<
  SuccessResponse<ResponsesOf<FilterKeys<Paths[Path], Method>>, MediaType>
>;

// biome-ignore lint/suspicious/noExplicitAny: the constraint openapi-typescript-helpers declares
type ResponsesOf<Operation> = ResponseObjectMap<Operation> extends infer Responses extends Record<string | number, any> ? Responses : never;

/** The item type of a page: the elements of its (first) array field, or of the page itself. */
export type PageItem<Page> = Page extends readonly (infer Item)[]
  ? Item
  : { [Key in keyof Page]: NonNullable<Page[Key]> extends readonly (infer Item)[] ? Item : never }[keyof Page];

/** The `init` of a call of `Path`/`Method` (params, body, headers), as openapi-fetch types it. */
export type OperationInit<Paths, Path extends keyof Paths, Method extends HttpMethod> = Paths[Path] extends infer Item
  ? Method extends keyof Item
    ? MaybeOptionalInit<Item, Method>
    : never
  : never;

// Methods a retry may repeat (unless the spec says otherwise), and methods that never carry a key.
const SAFE_METHODS = /^(GET|HEAD|OPTIONS|PUT|DELETE|TRACE)$/;
const NO_KEY_METHODS = /^(GET|HEAD|OPTIONS|TRACE)$/;

/** A typed, retrying, validating client for one service (typed by openapi-typescript paths, as openapi-fetch is). */
export interface Transport<Paths extends {}> {
  /**
   * Call an operation and return its 2xx data (`.withResponse()` / `.asResponse()` for the response); anything else throws a typed error.
   * `operation` is its table entry when the transport's definition leaves its operations out (standalone functions carry their own).
   */
  request<Method extends HttpMethod, Path extends PathsWithMethod<Paths, Method>>(
    method: Method,
    path: Path,
    init: OperationInit<Paths, Path, Method>,
    options?: RequestOptions,
    operation?: OperationDefinition,
  ): APIPromise<ResponseData<Paths, Path, Method>>;
  /** Call an operation and return the raw 2xx `Response` (body unread); non-2xx throws. */
  requestRaw<Method extends HttpMethod, Path extends PathsWithMethod<Paths, Method>>(
    method: Method,
    path: Path,
    init: OperationInit<Paths, Path, Method>,
    options?: RequestOptions,
    call?: CallOptions,
  ): Promise<Response>;
  /** The operation table entry for `METHOD path`. */
  operation(method: string, path: string): OperationDefinition | undefined;
  /** The service's title (or name), as errors name it. */
  readonly serviceName: string;
  readonly baseURL: string;
  readonly logger: Logger;
}

/** Build the transport a service client stands on. */
export function createTransport<Paths extends {}>(options: TransportOptions): Transport<Paths> {
  const { definition, baseURL, apiKey, errorClasses, validateResponses = true, validateRequests = true } = options;
  // A loader starts at once (when anything is to be validated), so the first call rarely waits for it.
  let validator = typeof options.validator === 'function' ? undefined : options.validator;
  const loading =
    typeof options.validator === 'function' && (validateRequests || validateResponses)
      ? options.validator().then((loaded) => (validator = loaded))
      : undefined;
  // An unhandled rejection until a call awaits it (a call then throws the loader's error).
  loading?.catch(() => {});
  const { schemas } = definition;
  const auth = options.auth === undefined ? definition.auth : options.auth;
  const idempotencyHeader = options.idempotencyHeader === undefined ? definition.idempotencyHeader : options.idempotencyHeader;
  const serviceName = definition.title || definition.name;
  const logger = createLevelLogger(
    options.logger ?? (globalThis.console as Logger | undefined),
    options.logLevel ?? (readEnv('TRAINWIRE_LOG') as LogLevel | undefined) ?? 'warn',
    redactValue as (fields: Record<string, unknown>) => Record<string, unknown>,
    redact,
  );
  registerSecret(apiKey);
  if (auth?.type === 'apiKey') registerSecretHeader(auth.name);
  const wrong = wrongOption(options);
  if (wrong) throw new ConfigError(`Invalid ${serviceName} ${wrong[0]}: ${wrong[1]}.`);

  const baseHeaders: Record<string, string> = { Accept: 'application/json' };
  // Browsers forbid setting User-Agent.
  if (options.userAgent && typeof (globalThis as { document?: unknown }).document === 'undefined') {
    baseHeaders['User-Agent'] = options.userAgent;
  }
  checkHeaders(baseHeaders, options.headers);
  if (apiKey && auth) {
    const key = checkHeader('apiKey', apiKey);
    if (auth.type === 'bearer') baseHeaders.Authorization = `Bearer ${key}`;
    else baseHeaders[auth.name] = key;
  }
  const customFetch = options.fetch;
  // Header names lower-cased once, so per-call headers merge case-insensitively into a plain object.
  const sharedHeaders: Record<string, string> = {};
  for (const name in baseHeaders) sharedHeaders[name.toLowerCase()] = baseHeaders[name] as string;
  const lowerKeyHeader = idempotencyHeader?.toLowerCase();
  const { maxResponseBytes, maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS } = options;
  if (maxResponseBytes !== undefined && !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0))
    throw new ConfigError(`Invalid ${serviceName} maxResponseBytes: must be a whole number of bytes > 0.`);
  if (!(maxConcurrentRequests === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxConcurrentRequests) && maxConcurrentRequests >= 0)))
    throw new ConfigError(`Invalid ${serviceName} maxConcurrentRequests: must be a whole number >= 0 (0 or Infinity: no cap).`);
  // Every attempt and every redirect hop of this client takes a slot.
  const cap =
    maxConcurrentRequests > 0 && maxConcurrentRequests !== Number.POSITIVE_INFINITY ? new ConnectionCap(maxConcurrentRequests) : undefined;
  const clientFetchOptions = fetchInitOptions(options.fetchOptions);
  /**
   * One fetch: `globalThis.fetch(url, init)`, or a custom fetch given one Request (and the fetch
   * options, redirect mode and signal as its init), in a slot of the connection cap.
   */
  const fetchOnce = (
    input: string | Request,
    init: RequestInit,
    fetchOptions: Record<string, unknown> | undefined,
    streamFetch: StreamFetch | undefined,
    hold = false,
  ): Promise<Response> => {
    const run = streamFetch
      ? () => streamFetch(input, init)
      : customFetch
        ? () =>
            customFetch(typeof input === 'string' ? new Request(input, init) : input, {
              ...fetchOptions,
              redirect: init.redirect,
              signal: init.signal,
            } as RequestInit)
        : () => globalThis.fetch(input, init);
    return cap ? capped(cap, init.signal, run, hold) : run();
  };

  const operation = (method: string, path: string) => definition.operations[`${method.toUpperCase()} ${path}`];

  /** What a call of one operation needs that does not change from call to call, built on its first call. */
  interface Plan {
    readonly method: string;
    readonly entry: OperationDefinition | undefined;
    readonly templated: boolean;
    readonly idempotent: boolean;
    readonly sendsKey: boolean;
    readonly conflictStatuses: readonly number[] | undefined;
    readonly where: string | undefined;
    /** The declared response schema of each status seen so far (validation on), with its compiled check. */
    readonly declared: Map<number, Declared | undefined>;
  }
  // By method, then path: no key string is built per call.
  const plans = new Map<string, Map<string, Plan>>();
  const planOf = (method: string, path: string, given: OperationDefinition | undefined): Plan => {
    let byPath = plans.get(method);
    if (!byPath) {
      byPath = new Map();
      plans.set(method, byPath);
    }
    let plan = byPath.get(path);
    if (!plan) {
      const upper = method.toUpperCase();
      const entry = given ?? operation(upper, path);
      plan = {
        method: upper,
        entry,
        templated: path.includes('{'),
        idempotent: entry?.idempotent ?? SAFE_METHODS.test(upper),
        sendsKey: Boolean(idempotencyHeader) && !NO_KEY_METHODS.test(upper),
        conflictStatuses: (entry?.conflictStatuses ?? definition.conflictStatuses) || undefined,
        where: entry && `${serviceName} ${entry.operationId}`,
        declared: new Map(),
      };
      byPath.set(path, plan);
    }
    return plan;
  };
  /**
   * The response `status` is checked against, with its compiled check when codegen made one: an
   * undeclared 2xx (200 where the spec says 201) against the first declared 2xx.
   */
  const declaredFor = (plan: Plan, status: number): Declared | undefined => {
    if (plan.declared.has(status)) return plan.declared.get(status);
    const responses = plan.entry?.responses ?? {};
    const code = [String(status), `${String(status)[0]}XX`, Object.keys(responses).find((key) => key[0] === '2'), 'default'].find(
      (key) => key !== undefined && responses[key] !== undefined,
    );
    const response = code === undefined ? undefined : responses[code];
    const declared = response?.schema ? { schema: response.schema, check: response.check } : undefined;
    plan.declared.set(status, declared);
    return declared;
  };

  async function send(
    method: string,
    path: string,
    init: Record<string, unknown> = {},
    requestOptions: RequestOptions = NO_OPTIONS,
    call: CallOptions = {},
    given?: OperationDefinition,
  ): Promise<{ data: unknown; response: Response }> {
    const stream = call.stream;
    const plan = planOf(method, path, given);
    const { method: upper, entry, conflictStatuses } = plan;
    // What openapi-fetch would not pass on to fetch; everything else of `init` goes into the RequestInit.
    const { params, body, headers: initHeaders, parseAs: _parseAs, ...extra } = init as RequestShape;
    const streamingBody = body instanceof ReadableStream;
    const wrong = requestOptions === NO_OPTIONS ? undefined : wrongOption(requestOptions);
    if (wrong) throw new InvalidRequestError(...wrong);
    if (validateRequests && entry && (validator || loading))
      (validator ?? ((await loading) as Validator)).request(entry, (params ?? {}) as never, body, schemas);

    let url: string;
    try {
      url = baseURL + (plan.templated ? encodePath(path, params?.path ?? {}) : path) + queryString(params?.query);
    } catch (error) {
      // encodeURIComponent refuses a lone surrogate in a path or query value: bad input, never sent.
      if (!(error instanceof URIError)) throw error;
      const { fieldOf } = await import('./field-of.js');
      throw new InvalidRequestError(
        fieldOf(params, '', (leaf) => /\p{Cs}/u.test(String(leaf))).slice(1) || 'params',
        'must not contain a lone surrogate',
      );
    }
    let serialized: BodyInit | null | undefined;
    try {
      serialized = body === undefined ? undefined : serializeBody(body, entry?.body?.contentType);
    } catch (error) {
      // A value JSON cannot hold (a bigint, a cycle), named where it is.
      const { fieldOf } = await import('./field-of.js');
      throw new InvalidRequestError(
        fieldOf(body, 'body', (leaf) => typeof leaf === 'bigint') || 'body',
        `cannot be sent as JSON (${(error as Error).message})`,
      );
    }
    const form = typeof FormData !== 'undefined' && serialized instanceof FormData;

    // Headers: the client's, then the call's (init, then options, then an idempotency key), then
    // header params; a body other than a form is JSON unless a header says otherwise. The shared
    // object goes as it is when the call adds nothing.
    let headers = sharedHeaders;
    let safe = plan.idempotent;
    if (serialized !== undefined || initHeaders || requestOptions.headers || plan.sendsKey || params?.header) {
      headers = serialized === undefined || form ? { ...sharedHeaders } : { 'content-type': 'application/json', ...sharedHeaders };
      let callerKey = false;
      if (initHeaders || requestOptions.headers) {
        const own: Record<string, string> = {};
        if (initHeaders) checkHeaders(own, initHeaders);
        if (requestOptions.headers) checkHeaders(own, requestOptions.headers);
        callerKey = (lowerKeyHeader as string) in own;
        Object.assign(headers, own);
      }
      // A key the caller sent as a header wins; the same key goes with every attempt (a fresh
      // UUID needs no header check).
      if (plan.sendsKey && !callerKey) {
        const given = requestOptions.idempotencyKey;
        headers[lowerKeyHeader as string] = given === undefined ? idempotencyKey() : checkHeader('idempotencyKey', given);
      }
      if (params?.header) mergeHeaderParams(headers, params.header);
      safe ||= Boolean(lowerKeyHeader && headers[lowerKeyHeader]);
    }
    const context: RetryContext = {
      maxRetries: requestOptions.maxRetries ?? options.maxRetries ?? 2,
      timeout: requestOptions.timeout ?? options.timeout ?? 60_000,
      totalTimeout: requestOptions.totalTimeout,
      idempotent: plan.idempotent,
      bufferResponse: !stream,
      captureBody: !stream,
      streamingBody: call.streamingBody ?? streamingBody,
      logger,
      conflictStatuses,
      onWait: requestOptions.onWait,
      maxResponseBytes,
      attempts: 0,
    };
    // One RequestInit for every attempt; each attempt only sets its own signal. A stream body is
    // sent half-duplex and never redirected (see STREAMED_BODY_INIT). A body other than a stream
    // is sent again as it is: a form gets a fresh boundary, and its Content-Type, per attempt.
    // The transport follows redirects itself (see afterRedirect): same-origin only unless the
    // service declares otherwise, credentials never cross, the TLS rule on every hop.
    const callFetchOptions = requestOptions.fetchOptions
      ? fetchInitOptions(options.fetchOptions, requestOptions.fetchOptions)
      : clientFetchOptions;
    const requestInit: RequestInit = {
      ...callFetchOptions,
      ...extra,
      redirect: 'manual',
      ...(streamingBody && STREAMED_BODY_INIT),
      method: upper,
      headers,
      body: serialized,
    };
    const callerReadsRedirects = extra.redirect === 'manual';
    // A call's own fetch only where nothing the caller set up for fetch (a fetch, a dispatcher) would be bypassed.
    const streamFetch = customFetch || callFetchOptions ? undefined : call.streamFetch;
    const crossOrigin = (entry?.crossOriginRedirects ?? definition.crossOriginRedirects) || undefined;
    const signal = requestOptions.signal;
    let response: Response;
    try {
      response = await retryAttempts(
        async (attemptSignal) => {
          requestInit.signal = attemptSignal;
          // fetch reads the init before it returns, so the next attempt may change the signal.
          if (streamingBody) return fetchOnce(url, requestInit, callFetchOptions, streamFetch).catch(streamRedirectRefused);
          // A buffered call's response keeps its slot until retryAttempts has read or discarded its
          // body (releaseSlot); a streamed one frees it when the caller's reading ends.
          const first = await fetchOnce(url, requestInit, callFetchOptions, streamFetch, !stream);
          // The caller reads the 3xx itself (e.g. a Location that is the answer).
          if (callerReadsRedirects) return first;
          if (isRedirect(first)) releaseSlot(first);
          // A redirect (rare) builds the Request the hops start from; each hop is one fetchOnce.
          return afterRedirect(
            first,
            () => new Request(url, requestInit),
            { body: serialized, signal: attemptSignal },
            (hop, hopInit) => fetchOnce(hop, { ...callFetchOptions, ...hopInit }, callFetchOptions, streamFetch),
            crossOrigin,
          );
        },
        context,
        upper,
        url,
        safe,
        signal ? [signal] : NO_SIGNALS,
      );
    } catch (error) {
      if (error instanceof TrainwireError) throw error;
      throw new APIConnectionError({ cause: error, attempts: context.attempts });
    }
    const { status, headers: responseHeaders } = response;
    let text = context.body && decoder.decode(context.body);
    if (!response.ok) {
      if (text === undefined && upper !== 'HEAD' && status !== 204) {
        try {
          text = await response.text();
        } catch (error) {
          throw new APIConnectionError({
            message: 'Connection error while reading the response body.',
            cause: error,
            attempts: context.attempts,
          });
        }
      }
      // The error classes of an answer are a module of their own, loaded by the first non-2xx.
      const { errorFromResponse } = await import('./error-from-response.js');
      throw errorFromResponse(
        {
          status,
          headers: responseHeaders,
          body: text === undefined ? undefined : parseErrorBody(text),
          attempts: context.attempts,
          method: upper,
          url: response.url || undefined,
          conflictStatuses,
        },
        errorClasses,
      );
    }
    if (stream) {
      const empty =
        status === 204 ||
        upper === 'HEAD' ||
        (responseHeaders.get('content-length') === '0' && !responseHeaders.get('transfer-encoding')?.includes('chunked'));
      return { data: empty ? undefined : response.body, response };
    }
    const declared = validateResponses ? declaredFor(plan, status) : undefined;
    // The error class of a refused body is in a module of its own, loaded with the first refusal.
    const invalid = async (path: string, reason: string, body: unknown, cause?: unknown) => {
      const { ResponseValidationError } = await import('./refusal-errors.js');
      return new ResponseValidationError({ status, path, reason, body, headers: responseHeaders, operation: plan.where, cause });
    };
    if (!text) {
      if (declared && upper !== 'HEAD') throw await invalid('$', 'the body is empty', undefined);
      return { data: undefined, response };
    }
    const type = responseHeaders.get('content-type');
    // A proxy's HTML error page, or a body of another kind than the operation declares.
    if (type && !JSON_TYPE.test(type)) throw await invalid('$', `expected a JSON body, got content-type ${type}`, clipRedacted(text));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw await invalid('$', `body is not valid JSON (${(error as Error).message})`, clipRedacted(text), error);
    }
    // The compiled check says whether the body conforms; only a body it refuses (or one without a
    // check) is interpreted, for the path and reason of the issue.
    if (declared && !declared.check?.(parsed)) {
      const interpreter = validator ?? (await loading);
      const issue = interpreter
        ? interpreter.response(declared.schema, parsed, schemas)
        : declared.check && { path: '$', reason: 'does not match its schema' };
      if (issue) throw await invalid(issue.path, issue.reason, parsed);
    }
    return { data: parsed, response };
  }

  return {
    baseURL,
    logger,
    operation,
    serviceName,
    request(method, path, init, requestOptions, given) {
      return new APIPromise((raw) => send(method, path as string, init as never, requestOptions, { stream: raw }, given));
    },
    async requestRaw(method, path, init, requestOptions, call) {
      return (await send(method, path as string, init as never, requestOptions, { stream: true, ...call })).response;
    },
  };
}

const decoder = new TextDecoder();
const JSON_TYPE = /json/i;

/** A declared response schema and its compiled check, if codegen made one. */
interface Declared {
  readonly schema: JsonSchema;
  readonly check: ResponseCheck | null | undefined;
}
const NO_SIGNALS: readonly AbortSignal[] = [];
const NO_OPTIONS: RequestOptions = Object.freeze({});

/** The `init` of a transport call, as openapi-fetch reads it. */
interface RequestShape {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  body?: unknown;
  headers?: unknown;
  parseAs?: unknown;
  [field: string]: unknown;
}

/**
 * `?` and the query as openapi-fetch serializes it by default ('' when empty): `form` exploded
 * arrays (`tag=a&tag=b`), `deepObject` objects (`filter[state]=done`), each value URI-encoded;
 * `undefined`, `null` and empty arrays are left out.
 */
function queryString(query: Record<string, unknown> | undefined): string {
  let search = '';
  for (const name in query) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) search += `&${name}=${encodeURIComponent(item)}`;
    } else if (typeof value === 'object') {
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && item !== null) search += `&${name}[${key}]=${encodeURIComponent(item as string)}`;
      }
    } else search += `&${name}=${encodeURIComponent(value as string)}`;
  }
  return search && `?${search.slice(1)}`;
}

/** Header params over `headers` (names lower-cased): `null` removes one, an array joins its values. */
function mergeHeaderParams(headers: Record<string, string>, params: Record<string, unknown>): void {
  for (const name in params) {
    const value = params[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (value === null) delete headers[lower];
    else headers[lower] = checkHeader(name, Array.isArray(value) ? value.join(', ') : String(value));
  }
}

/** An error body: its JSON when it is JSON, else the text ('' becomes undefined). */
function parseErrorBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Bytes, forms and streams go as they are; a string goes as it is to a non-JSON operation;
 * everything else (a string to a JSON operation too) as JSON; throws what `JSON.stringify` throws
 * for a value JSON cannot hold (a bigint, a cycle).
 */
function serializeBody(body: unknown, contentType = 'application/json'): BodyInit | null | undefined {
  if (body === undefined || body === null) return body;
  if (isRawBody(body) || (typeof body === 'string' && !contentType.includes('json'))) return body;
  return JSON.stringify(body);
}

/**
 * What is wrong with the common options of a client or a call, as `[name, reason]`: `timeout`,
 * `totalTimeout` and `maxRetries` must be finite numbers >= 0, `signal` an AbortSignal, `headers`
 * an object, a `Headers` or an array of name/value pairs.
 */
function wrongOption(options: RequestOptions): [string, string] | undefined {
  if (!isObject(options)) return ['options', 'must be an object'];
  for (const name of ['timeout', 'totalTimeout', 'maxRetries'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && (value as number) >= 0)) return [name, 'must be a finite number >= 0'];
  }
  const { signal, headers, onWait } = options as { signal?: AbortSignal; headers?: unknown; onWait?: unknown };
  if (signal !== undefined && typeof signal?.addEventListener !== 'function') return ['signal', 'must be an AbortSignal'];
  if (onWait !== undefined && typeof onWait !== 'function') return ['onWait', 'must be a function'];
  if (headers !== undefined && (!isObject(headers) || (Array.isArray(headers) && !headers.every((pair) => pair?.length === 2))))
    return ['headers', 'must be an object, a Headers or [name, value] pairs'];
  return undefined;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

// RFC 9110 token: the characters a header name may have.
const TOKEN = /^[!#$%&'*+\-.^`|~\w]+$/;

/** `target` with every header of `extra` (an object, a `Headers` or pairs) added under its lower-cased name, each checked by {@link checkHeader}. */
function checkHeaders(target: Record<string, string>, extra: unknown): Record<string, string> {
  const entries = extra instanceof Headers || Array.isArray(extra) ? extra : Object.entries(extra ?? {});
  for (const [name, value] of entries as Iterable<[string, string]>) {
    if (!TOKEN.test(name)) throw new InvalidRequestError(`header ${JSON.stringify(name)}`, 'is not a valid header name');
    target[name.toLowerCase()] = checkHeader(name, value);
  }
  return target;
}

function checkHeader(name: string, value: string): string {
  // fetch refuses anything past Latin-1 too.
  if (typeof value !== 'string' || /[\0\r\n\u0100-\uffff]/.test(value))
    throw new InvalidRequestError(`header ${name}`, 'must be a string without CR, LF or NUL characters (Latin-1 only)');
  return value;
}
