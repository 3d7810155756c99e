import { describe, expect, it } from 'vitest';
import { detail, jsonInvalid, validationError } from './fastapi-errors.js';

const read = async (response: Response) => ({
  status: response.status,
  type: response.headers.get('content-type'),
  body: await response.json(),
});

describe('FastAPI answers', () => {
  it('detail: {detail} with the status and headers given', async () => {
    expect(await read(detail(404, 'Job j1 not found'))).toEqual({
      status: 404,
      type: 'application/json',
      body: { detail: 'Job j1 not found' },
    });
    const nested = detail(401, { error: { code: 'AUTHENTICATION_REQUIRED' } }, { 'www-authenticate': 'Bearer' });
    expect(nested.headers.get('www-authenticate')).toBe('Bearer');
    expect((await read(nested)).body).toEqual({ detail: { error: { code: 'AUTHENTICATION_REQUIRED' } } });
  });

  it('validationError: 422 with the list of problems', async () => {
    const problems = [{ loc: ['body', 'gpu_count'], msg: 'Input should be between 1 and 8', type: 'less_than_equal' }];
    expect(await read(validationError(problems))).toEqual({ status: 422, type: 'application/json', body: { detail: problems } });
  });

  it('jsonInvalid: pydantic 2 json_invalid at the decoder position', async () => {
    expect((await read(jsonInvalid('Unexpected end of JSON input', 8))).body).toEqual({
      detail: [
        { type: 'json_invalid', loc: ['body', 8], msg: 'JSON decode error', input: {}, ctx: { error: 'Unexpected end of JSON input' } },
      ],
    });
    expect((await read(jsonInvalid('Expecting value'))).body.detail[0].loc).toEqual(['body', 0]);
  });
});
