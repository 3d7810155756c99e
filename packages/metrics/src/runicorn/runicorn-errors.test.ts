import {
  APIConnectionError,
  APIError,
  AuthenticationError as CoreAuthenticationError,
  BadRequestError as CoreBadRequestError,
  NotFoundError as CoreNotFoundError,
  errorFromResponse,
  InternalServerError,
  TrainwireError,
} from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  NotFoundError,
  RunicornAPIError,
  runicornErrorClasses,
  ServerError,
  UnexpectedStatusError,
} from './runicorn-errors.js';

const fromStatus = (status: number) => errorFromResponse({ status, body: { detail: 'x' } }, runicornErrorClasses);

describe('the documented hierarchy', () => {
  it('puts every Runicorn error under RunicornAPIError and under the matching core class', () => {
    const cases: [number, Function, Function][] = [
      [400, BadRequestError, CoreBadRequestError],
      [401, AuthenticationError, CoreAuthenticationError],
      [403, AuthenticationError, CoreAuthenticationError],
      [404, NotFoundError, CoreNotFoundError],
      [500, ServerError, InternalServerError],
      [501, ServerError, InternalServerError],
      [503, ServerError, InternalServerError],
      [405, UnexpectedStatusError, APIError],
      [409, UnexpectedStatusError, APIError],
      [418, UnexpectedStatusError, APIError],
    ];
    for (const [status, runicorn, core] of cases) {
      const error = fromStatus(status);
      expect(error, String(status)).toBeInstanceOf(runicorn);
      expect(error, String(status)).toBeInstanceOf(core);
      expect(error, String(status)).toBeInstanceOf(RunicornAPIError);
      expect(error, String(status)).toBeInstanceOf(TrainwireError);
    }
    const connection = new ConnectionError({ message: 'down' });
    expect(connection).toBeInstanceOf(APIConnectionError);
    expect(connection).toBeInstanceOf(RunicornAPIError);
    expect(connection.name).toBe('ConnectionError');
  });

  it('keeps the documented names and does not claim core errors of other services', () => {
    expect(fromStatus(404).name).toBe('NotFoundError');
    expect(fromStatus(500).name).toBe('ServerError');
    const foreign = new CoreNotFoundError({ status: 404 });
    expect(foreign).not.toBeInstanceOf(NotFoundError);
    expect(foreign).not.toBeInstanceOf(RunicornAPIError);
    expect(fromStatus(404)).not.toBeInstanceOf(BadRequestError);
    expect(new RunicornAPIError('base')).toBeInstanceOf(RunicornAPIError);
    expect(new RunicornAPIError('base')).not.toBeInstanceOf(NotFoundError);
  });
});

describe('Runicorn error classes', () => {
  it('carry their documented name and a brand of their own', async () => {
    const classes = Object.entries(await import('./runicorn-errors.js')).filter(
      ([, value]) => typeof value === 'function' && 'brand' in value,
    );
    expect(classes.length).toBe(10);
    for (const [exported, errorClass] of classes) {
      expect((errorClass as { brand?: string }).brand).toBe(exported.startsWith('Runicorn') ? exported : `Runicorn${exported}`);
      expect((Object.create((errorClass as Function).prototype) as Error).name).toBe(exported);
    }
  });
});
