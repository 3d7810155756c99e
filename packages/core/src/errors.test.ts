import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { APIError, BadRequestError, InternalServerError, NotFoundError, RateLimitError, UnprocessableEntityError } from './api-error.js';
import { errorFromResponse } from './error-from-response.js';
import { APIConnectionError, APITimeoutError, APIUserAbortError, InvalidRequestError } from './errors.js';
import { brand, TrainwireError } from './trainwire-error.js';

describe('errorFromResponse', () => {
  it.each([
    [400, BadRequestError],
    [404, NotFoundError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [502, InternalServerError],
    [418, APIError],
  ])('maps %i to its class', (status, Class) => {
    const error = errorFromResponse({ status, body: { message: 'x' } });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(TrainwireError);
    expect(error.name).toBe(Class.name);
  });

  it.each([
    [{ error: { code: 'quota', message: 'Out of credits.' } }, '402 Out of credits.', 'quota'],
    [{ detail: [{ msg: 'field required', loc: ['body', 'name'] }] }, '402 field required (body,name)', undefined],
    ['plain text', '402 plain text', undefined],
    [undefined, '402 status code (no body)', undefined],
  ])('builds the message from %j', (body, message, code) => {
    const error = errorFromResponse({ status: 402, body });
    expect(error.message).toBe(message);
    expect(error.code).toBe(code);
  });

  it('reads Retry-After on 429, and on any other status that sends it', () => {
    const error = errorFromResponse({ status: 429, headers: new Headers({ 'retry-after': '3' }) }) as RateLimitError;
    expect(error.retryAfter).toBe(3000);
    expect(errorFromResponse({ status: 503, headers: new Headers({ 'retry-after': '30' }) }).retryAfter).toBe(30_000);
    expect(errorFromResponse({ status: 503 }).retryAfter).toBeUndefined();
  });

  it('shows its fields in toJSON and util.inspect', () => {
    const error = errorFromResponse({
      status: 404,
      body: { message: 'gone' },
      headers: new Headers({ 'x-request-id': 'r-1' }),
      attempts: 2,
    });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'NotFoundError',
      message: '404 gone',
      status: 404,
      requestId: 'r-1',
      attempts: 2,
    });
    expect(inspect(error)).toContain("requestId: 'r-1'");
  });

  it('keeps the class chain of connection errors', () => {
    const error = new APITimeoutError();
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.name).toBe('APITimeoutError');
    expect(new APIConnectionError()).not.toBeInstanceOf(APITimeoutError);
  });
});

describe('retryable: decided where the error is made', () => {
  it.each([
    [408, true],
    [409, true],
    [429, true],
    [500, true],
    [501, false],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
  ])('an APIError with status %i is retryable: %s', (status, retryable) => {
    const error = errorFromResponse({ status });
    expect(error.retryable).toBe(retryable);
    expect(JSON.parse(JSON.stringify(error)).retryable).toBe(retryable);
  });

  it('follows x-should-retry and the statuses the service declares conflicts', () => {
    expect(errorFromResponse({ status: 501, headers: new Headers({ 'x-should-retry': 'true' }) }).retryable).toBe(true);
    expect(errorFromResponse({ status: 503, headers: new Headers({ 'x-should-retry': 'false' }) }).retryable).toBe(false);
    expect(errorFromResponse({ status: 409, conflictStatuses: [409] }).retryable).toBe(false);
    expect(errorFromResponse({ status: 409, conflictStatuses: [423] }).retryable).toBe(true);
  });

  it('is true for connection errors and timeouts, false for an abort, bad input and the root class', () => {
    expect(new APIConnectionError().retryable).toBe(true);
    expect(new APITimeoutError().retryable).toBe(true);
    expect(new APIUserAbortError().retryable).toBe(false);
    expect(new InvalidRequestError('query.limit', 'too big').retryable).toBe(false);
    expect(new TrainwireError('x').retryable).toBe(false);
  });
});

describe('instanceof across two loaded copies of core', () => {
  it('holds for every class, and only along the real chain', () => {
    // Two copies of the built package on disk, as when two dependencies each install their own.
    const script = `
      const one = await import(process.argv[1]);
      const two = await import(process.argv[2]);
      const error = new one.NotFoundError({ status: 404 });
      console.log(JSON.stringify([
        one.NotFoundError === two.NotFoundError,
        error instanceof two.NotFoundError,
        error instanceof two.APIError,
        error instanceof two.TrainwireError,
        error instanceof two.RateLimitError,
        new one.APITimeoutError() instanceof two.APIConnectionError,
        new one.APIConnectionError() instanceof two.APITimeoutError,
      ]));`;
    const dist = fileURLToPath(new URL('../dist', import.meta.url));
    const copies = mkdtempSync(join(dirname(dist), '.copies-'));
    try {
      const entries = ['one', 'two'].map((name) => {
        cpSync(dist, join(copies, name), { recursive: true });
        return pathToFileURL(join(copies, name, 'index.js')).href;
      });
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...entries], { encoding: 'utf8' });
      expect(JSON.parse(output)).toEqual([false, true, true, true, false, true, false]);
    } finally {
      rmSync(copies, { recursive: true, force: true });
    }
  });
});

describe('error classes', () => {
  it('are named by their brand, in the stack too; an assigned name is the error’s own', () => {
    const error = new InvalidRequestError('body.name', 'is required');
    expect(error.name).toBe('InvalidRequestError');
    expect(error.stack?.split('\n')[0]).toBe('InvalidRequestError: Invalid body.name: is required');
    expect(String(error)).toBe('InvalidRequestError: Invalid body.name: is required');
    error.name = 'Renamed';
    expect(error.name).toBe('Renamed');
    expect(new InvalidRequestError('x', 'y').name).toBe('InvalidRequestError');
    class Mine extends APIConnectionError {}
    expect(new Mine().name).toBe('APIConnectionError');
    expect(new Mine()).toBeInstanceOf(APIConnectionError);
  });

  it('take a brand from brand() too: named by it, and matched by it across copies', () => {
    class Legacy extends APIConnectionError {
      static {
        brand(Legacy, 'LegacyError');
      }
    }
    const error = new Legacy();
    expect(error.name).toBe('LegacyError');
    expect(error.stack?.split('\n')[0]).toBe('LegacyError: Connection error.');
    // Another copy's class of the same brand: only the brand stamped on the error links them.
    const other = class extends TrainwireError {};
    brand(other, 'LegacyError');
    expect(Object.create(Legacy.prototype)).not.toBeInstanceOf(other);
    expect(error).toBeInstanceOf(other);
  });

  it('are dropped from a bundle that does not use them', async () => {
    const { build } = await import('esbuild');
    const bundle = await build({
      stdin: { contents: "export { ConfigError } from './errors.js';", resolveDir: dirname(fileURLToPath(import.meta.url)), loader: 'ts' },
      bundle: true,
      write: false,
      format: 'esm',
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]?.text ?? '';
    expect(code).toContain('ConfigError');
    for (const unused of ['APITimeoutError', 'APIUserAbortError', 'InvalidRequestError']) expect(code).not.toContain(unused);
  });
});
