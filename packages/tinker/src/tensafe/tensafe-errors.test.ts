import {
  APIError,
  AuthenticationError as CoreAuthenticationError,
  BadRequestError as CoreBadRequestError,
  errorFromResponse,
  InternalServerError,
  NotFoundError,
  registerSecret,
  TrainwireError,
} from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import {
  ArtifactNotFoundError,
  AuthenticationError,
  BadRequestError,
  FutureNotFoundError,
  QueueFullError,
  ResourceNotFoundError,
  ServerError,
  TGTinkerError,
  TrainingClientNotFoundError,
  tenSafeErrorClasses,
} from './tensafe-errors.js';

const fromAnswer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  errorFromResponse({ status, body, headers: new Headers(headers) }, tenSafeErrorClasses);

describe('TenSafe errors', () => {
  it('read the route envelope and the SDK envelope alike', () => {
    const route = fromAnswer(401, { detail: { error: { code: 'AUTHENTICATION_REQUIRED', message: 'Invalid authorization header' } } });
    const sdk = fromAnswer(401, {
      error: { code: 'AUTHENTICATION_REQUIRED', message: 'Invalid authorization header', request_id: 'req-9', details: { hint: 'Bearer' } },
    });
    for (const error of [route, sdk]) {
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toBeInstanceOf(CoreAuthenticationError);
      expect(error).toBeInstanceOf(TGTinkerError);
      expect(error.message).toBe('401 AUTHENTICATION_REQUIRED: Invalid authorization header');
      expect(error.name).toBe('AuthenticationError');
    }
    expect(sdk).toMatchObject({ code: 'AUTHENTICATION_REQUIRED', request_id: 'req-9', details: { hint: 'Bearer' } });
  });

  it('pick the not-found class by code, as tg_tinker does', () => {
    const notFound = (code: string) => fromAnswer(404, { detail: { error: { code, message: 'gone' } } });
    expect(notFound('TRAINING_CLIENT_NOT_FOUND')).toBeInstanceOf(TrainingClientNotFoundError);
    expect(notFound('FUTURE_NOT_FOUND')).toBeInstanceOf(FutureNotFoundError);
    expect(notFound('ARTIFACT_NOT_FOUND')).toBeInstanceOf(ArtifactNotFoundError);
    const other = notFound('ADAPTER_NOT_FOUND');
    expect(other).toBeInstanceOf(ResourceNotFoundError);
    expect(other).not.toBeInstanceOf(TrainingClientNotFoundError);
    expect(other).toBeInstanceOf(NotFoundError);
    expect(notFound('FUTURE_NOT_FOUND')).not.toBeInstanceOf(ArtifactNotFoundError);
  });

  it('make a 503 with a queue code a QueueFullError, other 5xx ServerError, other 4xx BadRequestError', () => {
    const queue = fromAnswer(503, { error: { code: 'QUEUE_FULL', message: 'Job queue is full' } });
    expect(queue).toBeInstanceOf(QueueFullError);
    expect(queue).toBeInstanceOf(ServerError);
    expect(queue).toBeInstanceOf(InternalServerError);
    const plain = fromAnswer(500, 'Internal Server Error');
    expect(plain).toBeInstanceOf(ServerError);
    expect(plain).not.toBeInstanceOf(QueueFullError);
    expect(plain).toMatchObject({ code: 'INTERNAL_ERROR', message: '500 INTERNAL_ERROR: Internal Server Error' });
    const tooLarge = fromAnswer(413, { detail: 'Request body too large' });
    expect(tooLarge).toBeInstanceOf(BadRequestError);
    expect(tooLarge).toBeInstanceOf(CoreBadRequestError);
    expect(tooLarge).toMatchObject({ code: 'BAD_REQUEST', status: 413 });
  });

  it('TGTinkerError takes tg_tinker arguments and is not claimed by errors of other services', () => {
    const error = new TGTinkerError('boom', 'SOMETHING', { a: 1 }, 'req-1');
    expect(error).toMatchObject({ message: 'boom', code: 'SOMETHING', details: { a: 1 }, request_id: 'req-1', name: 'TGTinkerError' });
    expect(error).toBeInstanceOf(TrainwireError);
    expect(new APIError({ status: 401 })).not.toBeInstanceOf(TGTinkerError);
    expect(new CoreAuthenticationError({ status: 401 })).not.toBeInstanceOf(AuthenticationError);
    expect(new TGTinkerError('x')).not.toBeInstanceOf(AuthenticationError);
  });

  it('holds across two loaded copies (by brand), and redacts keys echoed back', () => {
    const error = fromAnswer(404, { detail: { error: { code: 'FUTURE_NOT_FOUND', message: 'gone' } } });
    const copy = Object.create(Object.getPrototypeOf(Object.prototype));
    for (const symbol of Object.getOwnPropertySymbols(error)) copy[symbol] = (error as unknown as Record<symbol, unknown>)[symbol];
    expect(copy).toBeInstanceOf(FutureNotFoundError);
    expect(copy).toBeInstanceOf(TGTinkerError);
    expect(copy).toBeInstanceOf(NotFoundError);
    registerSecret('ts-leaky-key-0001');
    const leaky = fromAnswer(401, { detail: { error: { code: 'AUTHENTICATION_REQUIRED', message: 'bad key ts-leaky-key-0001' } } });
    expect(leaky.message).toBe('401 AUTHENTICATION_REQUIRED: bad key [redacted]');
    expect(JSON.stringify(leaky)).not.toContain('ts-leaky-key-0001');
  });
});

describe('TenSafe error classes', () => {
  it('carry their documented name and a brand of their own', async () => {
    const classes = Object.entries(await import('./tensafe-errors.js')).filter(([, value]) => typeof value === 'function');
    expect(classes.length).toBeGreaterThan(15);
    for (const [exported, errorClass] of classes) {
      expect((errorClass as { brand?: string }).brand).toBe(`tensafe.${exported}`);
      expect((Object.create((errorClass as Function).prototype) as Error).name).toBe(exported);
    }
  });

  it('are dropped from a bundle that does not use them', async () => {
    const { build } = await import('esbuild');
    const bundle = await build({
      stdin: { contents: "export { TGTinkerError } from './tensafe-errors.js';", resolveDir: import.meta.dirname, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      external: ['@trainwire/core'],
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    expect(code).toContain('TGTinkerError');
    for (const unused of ['DPBudgetExceededError', 'ArtifactIntegrityError', 'QueueFullError']) expect(code).not.toContain(unused);
  });
});
