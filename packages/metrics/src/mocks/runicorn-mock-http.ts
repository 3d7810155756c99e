import { type HandlerGroup as KitHandlerGroup, type mockHttp, type ValidationProblem, validationError } from '@trainwire/core/mock-kit';
import type { RunicornMockState } from './runicorn-state.js';

export { detail, type ValidationProblem } from '@trainwire/core/mock-kit';

/** What every group of handlers shares: where it is served, the state, and msw's `http` that stamps request ids. */
export interface RunicornMockContext {
  base: string;
  state: RunicornMockState;
  /** `/api/remote/connect` calls allowed per 60 s. */
  connectRateLimit: number;
  http: ReturnType<typeof mockHttp>;
}

/** A group of handlers of the Runicorn mock. */
export type HandlerGroup = KitHandlerGroup<RunicornMockContext>;

/** FastAPI's 422 for what its request validation refused (every problem, as it lists them all). */
export const invalid = (problems: ValidationProblem[]) => validationError(problems);

/** pydantic 1's words for each way a value fails. */
export const problem = {
  missing: (loc: (string | number)[]): ValidationProblem => ({ loc, msg: 'field required', type: 'value_error.missing' }),
  integer: (loc: (string | number)[]): ValidationProblem => ({ loc, msg: 'value is not a valid integer', type: 'type_error.integer' }),
  float: (loc: (string | number)[]): ValidationProblem => ({ loc, msg: 'value is not a valid float', type: 'type_error.float' }),
  boolean: (loc: (string | number)[]): ValidationProblem => ({
    loc,
    msg: 'value could not be parsed to a boolean',
    type: 'type_error.bool',
  }),
  string: (loc: (string | number)[]): ValidationProblem => ({ loc, msg: 'str type expected', type: 'type_error.str' }),
  dict: (loc: (string | number)[]): ValidationProblem => ({ loc, msg: 'value is not a valid dict', type: 'type_error.dict' }),
  list: (loc: (string | number)[]): ValidationProblem => ({ loc, msg: 'value is not a valid list', type: 'type_error.list' }),
  none: (loc: (string | number)[]): ValidationProblem => ({
    loc,
    msg: 'none is not an allowed value',
    type: 'type_error.none.not_allowed',
  }),
  atLeast: (loc: (string | number)[], limit: number): ValidationProblem => ({
    loc,
    msg: `ensure this value is greater than or equal to ${limit}`,
    type: 'value_error.number.not_ge',
    ctx: { limit_value: limit },
  }),
  atMost: (loc: (string | number)[], limit: number): ValidationProblem => ({
    loc,
    msg: `ensure this value is less than or equal to ${limit}`,
    type: 'value_error.number.not_le',
    ctx: { limit_value: limit },
  }),
};

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);
const INTEGER = /^[+-]?\d+$/;

/**
 * Reads path and query parameters the way FastAPI does, collecting every problem in its order (path,
 * then query): `params.int('page', { ge: 1 })` returns the value (or the default), and
 * `params.rejection()` the 422 when anything failed.
 */
export class ParamReader {
  readonly problems: ValidationProblem[] = [];
  readonly #params: URLSearchParams;

  constructor(request: Request) {
    this.#params = new URL(request.url).searchParams;
  }

  /** The `v{version}` path segment as FastAPI parses `version: int`. */
  version(segment: unknown): number | undefined {
    const text = String(segment);
    const digits = text.startsWith('v') ? text.slice(1) : text;
    if (INTEGER.test(digits.trim())) return Number(digits);
    this.problems.push(problem.integer(['path', 'version']));
    return undefined;
  }

  /** A string; `required` ones missing are a problem. */
  text(name: string, options: { required: true }): string;
  text(name: string, options?: { required?: false; default?: string }): string | undefined;
  text(name: string, options: { required?: boolean; default?: string } = {}): string | undefined {
    const value = this.#params.get(name);
    if (value === null && options.required) this.problems.push(problem.missing(['query', name]));
    return value ?? options.default;
  }

  /** An integer, within `ge`/`le` when given. */
  int(name: string, options: { ge?: number; le?: number; default?: number; required?: boolean } = {}): number | undefined {
    const raw = this.#params.get(name);
    if (raw === null) {
      if (options.required) this.problems.push(problem.missing(['query', name]));
      return options.default;
    }
    if (!INTEGER.test(raw.trim())) {
      this.problems.push(problem.integer(['query', name]));
      return undefined;
    }
    const value = Number(raw);
    if (options.ge !== undefined && value < options.ge) this.problems.push(problem.atLeast(['query', name], options.ge));
    else if (options.le !== undefined && value > options.le) this.problems.push(problem.atMost(['query', name], options.le));
    return value;
  }

  /** A number. */
  float(name: string): number | undefined {
    const raw = this.#params.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (raw.trim() === '' || Number.isNaN(value)) {
      this.problems.push(problem.float(['query', name]));
      return undefined;
    }
    return value;
  }

  /** A boolean, spelled as pydantic 1 accepts it. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.#params.get(name);
    if (raw === null) return fallback;
    const lower = raw.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    this.problems.push(problem.boolean(['query', name]));
    return fallback;
  }

  /** The 422 when a parameter (or one of the body's `more` problems) failed, else undefined. */
  rejection(more: ValidationProblem[] = []): Response | undefined {
    const problems = [...this.problems, ...more];
    return problems.length > 0 ? invalid(problems) : undefined;
  }
}

/**
 * A JSON request body, or FastAPI's 422: a missing body is `field required` at `['body']` (or at
 * each of `embedded` for `Body(embed=True)` fields); broken JSON is a `value_error.jsondecode`.
 */
export async function readBody(request: Request, embedded: string[] = []): Promise<{ value: unknown } | { response: Response }> {
  const text = await request.text();
  if (text.trim() === '') {
    const missing = embedded.length > 0 ? embedded.map((name) => problem.missing(['body', name])) : [problem.missing(['body'])];
    return { response: invalid(missing) };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const position = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    const message = (error as Error).message;
    return {
      response: invalid([
        {
          loc: ['body', position],
          msg: `${message}: line ${line} column ${column} (char ${position})`,
          type: 'value_error.jsondecode',
          ctx: { msg: message, doc: text, pos: position, lineno: line, colno: column },
        },
      ]),
    };
  }
}

/** A field of a pydantic model: its type, and whether it may be absent or null. */
export interface ModelField {
  type: 'str' | 'int' | 'float' | 'bool' | 'dict' | 'list' | 'any';
  /** No default: absent is `field required`. */
  required?: boolean;
  /** `Optional[...]`: null is allowed. */
  nullable?: boolean;
}

/**
 * Validate a JSON body against a pydantic 1 model as FastAPI does (lax: `"22"` is a fine int, `5` a
 * fine str; extra fields ignored). Returns the coerced fields and every problem, located in `['body', field]`.
 * `embedded`: the fields are `Body(..., embed=True)` parameters, for which FastAPI reads `null` as absent.
 */
export function checkModel(
  body: unknown,
  fields: Record<string, ModelField>,
  options: { embedded?: boolean } = {},
): { values: Record<string, unknown>; problems: ValidationProblem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { values: {}, problems: [problem.dict(['body'])] };
  const values: Record<string, unknown> = {};
  const problems: ValidationProblem[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const loc = ['body', name];
    const given = (body as Record<string, unknown>)[name];
    if (!(name in body) || (options.embedded && given === null)) {
      if (field.required) problems.push(problem.missing(loc));
      continue;
    }
    if (given === null) {
      if (field.nullable) values[name] = null;
      else problems.push(problem.none(loc));
      continue;
    }
    const coerced = coerce(given, field.type);
    if ('problem' in coerced) problems.push(coerced.problem(loc));
    else values[name] = coerced.value;
  }
  return { values, problems };
}

function coerce(
  value: unknown,
  type: ModelField['type'],
): { value: unknown } | { problem: (loc: (string | number)[]) => ValidationProblem } {
  switch (type) {
    case 'str':
      if (typeof value === 'string') return { value };
      return typeof value === 'number' ? { value: String(value) } : { problem: problem.string };
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return { value };
      if (typeof value === 'string' && INTEGER.test(value.trim())) return { value: Number(value) };
      return typeof value === 'boolean' ? { value: Number(value) } : { problem: problem.integer };
    case 'float':
      if (typeof value === 'number') return { value };
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return { value: Number(value) };
      return { problem: problem.float };
    case 'bool':
      if (typeof value === 'boolean') return { value };
      if (value === 0 || value === 1) return { value: value === 1 };
      if (typeof value === 'string' && TRUE.has(value.toLowerCase())) return { value: true };
      if (typeof value === 'string' && FALSE.has(value.toLowerCase())) return { value: false };
      return { problem: problem.boolean };
    case 'dict':
      return typeof value === 'object' && !Array.isArray(value) ? { value } : { problem: problem.dict };
    case 'list':
      return Array.isArray(value) ? { value } : { problem: problem.list };
    default:
      return { value };
  }
}
