import { describe, expect, it } from 'vitest';
import { tensafeRejection } from './tensafe-rejection.js';

describe('tensafeRejection', () => {
  it("words a spec check's issues as the server's FastAPI 422 (pydantic 2), every issue in one answer", async () => {
    const answer = tensafeRejection.invalid([
      { path: 'body.model_ref', reason: 'is required' },
      { path: 'body.apply_dp_noise', reason: 'expected boolean, got null' },
      { path: 'body.lora_config.rank', reason: 'must be >= 1, got number 0' },
      { path: 'query.limit', reason: 'must be <= 1000, got number 5000' },
      { path: 'body.batch.input_ids[0]', reason: 'expected array, got string "x"' },
      { path: 'body', reason: "is not valid JSON (Expected property name or '}' in JSON at position 1)" },
      { path: 'body.prompts', reason: 'must have at least 1 items' },
    ]);
    expect(answer.status).toBe(422);
    expect(await answer.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'model_ref'], msg: 'Field required', input: {} },
        { type: 'bool_type', loc: ['body', 'apply_dp_noise'], msg: 'Input should be a valid boolean', input: null },
        {
          type: 'greater_than_equal',
          loc: ['body', 'lora_config', 'rank'],
          msg: 'Input should be greater than or equal to 1',
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: 'less_than_equal',
          loc: ['query', 'limit'],
          msg: 'Input should be less than or equal to 1000',
          input: '5000',
          ctx: { le: 1000 },
        },
        { type: 'list_type', loc: ['body', 'batch', 'input_ids', 0], msg: 'Input should be a valid list', input: 'x' },
        {
          type: 'json_invalid',
          loc: ['body', 1],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: "Expected property name or '}' in JSON at position 1" },
        },
        { type: 'value_error', loc: ['body', 'prompts'], msg: 'must have at least 1 items', input: null },
      ],
    });
  });

  it("answers an unknown path and another method as FastAPI's own 404 and 405", async () => {
    const notFound = tensafeRejection.notFound();
    expect([notFound.status, await notFound.json()]).toEqual([404, { detail: 'Not Found' }]);
    const notAllowed = tensafeRejection.methodNotAllowed();
    expect([notAllowed.status, await notAllowed.json()]).toEqual([405, { detail: 'Method Not Allowed' }]);
  });
});
