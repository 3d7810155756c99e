import type { ValidationProblem } from '@trainwire/core/mock-kit';

const TYPES: Record<string, [type: string, msg: string]> = {
  integer: ['int_type', 'Input should be a valid integer'],
  number: ['float_type', 'Input should be a valid number'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  string: ['string_type', 'Input should be a valid string'],
  object: ['dict_type', 'Input should be a valid dictionary'],
  array: ['list_type', 'Input should be a valid list'],
};

const BOUNDS: Record<string, [type: string, words: string, ctx: string]> = {
  '>=': ['greater_than_equal', 'greater than or equal to', 'ge'],
  '<=': ['less_than_equal', 'less than or equal to', 'le'],
  '>': ['greater_than', 'greater than', 'gt'],
  '<': ['less_than', 'less than', 'lt'],
};

/** `body.batch.input_ids[0]` (a spec check's path) as FastAPI's location `['body', 'batch', 'input_ids', 0]`. */
export function locationOf(path: string): (string | number)[] {
  const [head = 'body', ...rest] = path.split(/(?=[.[])/);
  return [head, ...rest.map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part.replace(/^\./, '')))];
}

/** The value a spec check's reason names (`got 0`, `got number 0`, `got null`, `got string "x"`), as pydantic echoes it in `input`. */
function inputOf(reason: string): unknown {
  const got = /got (null|array|object|(?:(?:number|boolean) )?(-?[\d.e+-]+|true|false)|string (".*"))$/s.exec(reason);
  if (!got) return null;
  if (got[2] !== undefined) return JSON.parse(got[2]);
  if (got[3] !== undefined) return JSON.parse(got[3]);
  return got[1] === 'array' ? [] : got[1] === 'object' ? {} : null;
}

/**
 * A spec check's issue (`body.lora_config.rank`, `must be >= 1, got 0`) as pydantic 2 words it in
 * FastAPI's 422 (`{type, loc, msg, input, ctx?}`), as the TenSafe server (FastAPI 0.115) answers.
 * The value a missing field sat in is not known here: its `input` is `{}` (`null` for the body itself).
 */
export function pydanticProblem(path: string, reason: string): ValidationProblem {
  const loc = locationOf(path);
  if (reason === 'is required') return { type: 'missing', loc, msg: 'Field required', input: loc.length > 1 ? {} : null };
  const json = /^is not valid JSON \((.*)\)$/s.exec(reason);
  if (json) {
    const message = json[1] as string;
    return {
      type: 'json_invalid',
      loc: ['body', Number(/position (\d+)/.exec(message)?.[1] ?? 0)],
      msg: 'JSON decode error',
      input: {},
      ctx: { error: message },
    };
  }
  // A query, path or header value reaches pydantic as the text it was sent as.
  const input = (value: unknown) => (loc[0] !== 'body' && value !== null ? String(value) : value);
  const expected = /^expected (\w+)/.exec(reason)?.[1];
  const typed = expected ? TYPES[expected] : undefined;
  if (typed) return { type: typed[0], loc, msg: typed[1], input: input(inputOf(reason)) };
  const bound = /^must be ([<>]=?) (-?[\d.e+-]+)/.exec(reason);
  if (bound) {
    const limit = Number(bound[2]);
    const [type, words, name] = BOUNDS[bound[1] as string] as [string, string, string];
    return { type, loc, msg: `Input should be ${words} ${limit}`, input: input(inputOf(reason)), ctx: { [name]: limit } };
  }
  return { type: 'value_error', loc, msg: reason, input: null };
}
