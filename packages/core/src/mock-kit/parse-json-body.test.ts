import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './parse-json-body.js';

describe('parseJsonBody', () => {
  const seen: string[] = [];
  const invalid = (message: string) => {
    seen.push(message);
    return new Response('bad', { status: 400 });
  };

  it('reads JSON, and an empty body as undefined', () => {
    expect(parseJsonBody('{"a":[1,null]}', invalid)).toEqual({ value: { a: [1, null] } });
    expect(parseJsonBody('', invalid)).toEqual({ value: undefined });
    expect(seen).toEqual([]);
  });

  it("answers bad JSON with the service's error, given the parser's message", () => {
    const result = parseJsonBody('{"a": tru}', invalid);
    expect('response' in result && result.response.status).toBe(400);
    expect(seen).toEqual([expect.stringContaining('JSON')]);
  });
});
