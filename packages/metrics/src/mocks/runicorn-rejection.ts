import { detail, invalid, type ValidationProblem } from './runicorn-mock-http.js';

/** A request that breaks the spec, as a spec check names it: `query.downsample` and why. */
export interface RejectedRequest {
  /** `path.version`, `query.per_page`, `body.username`, `body[0]`, or `body`. */
  path: string;
  reason: string;
}

/**
 * How the real viewer (FastAPI 0.92, pydantic 1.10) answers what a spec check refuses, for a server
 * such as `trainwire-sandbox` that checks requests before the mock sees them: a parameter or body
 * that fails validation is a 422 `{"detail": [{loc, msg, type, ctx?}]}`, an unknown path a 404 and
 * a known path with another method a 405, both `{"detail": "..."}`.
 */
export const runicornRejection = {
  invalid(issues: RejectedRequest[]): Response {
    return invalid(issues.map(validationProblem));
  },
  notFound(): Response {
    return detail(404, 'Not Found');
  },
  methodNotAllowed(): Response {
    return detail(405, 'Method Not Allowed');
  },
};

/** The location of an issue as FastAPI writes it: `['query', 'per_page']`, `['body', 'items', 0]`. */
function location(path: string): (string | number)[] {
  const [head = 'body', ...rest] = path.split(/(?=[.[])/);
  return [
    head,
    ...rest.map((part) => {
      const index = /^\[(\d+)\]$/.exec(part);
      return index ? Number(index[1]) : part.replace(/^\./, '');
    }),
  ];
}

const BOUNDS: Record<string, [string, string]> = {
  '>=': ['greater than or equal to', 'not_ge'],
  '<=': ['less than or equal to', 'not_le'],
  '>': ['greater than', 'not_gt'],
  '<': ['less than', 'not_lt'],
};

/** pydantic 1's wording of a spec check's reason. */
function validationProblem({ path, reason }: RejectedRequest): ValidationProblem {
  const loc = location(path);
  const bound = /^must be ([<>]=?) (-?[\d.e+]+)/.exec(reason);
  if (bound) {
    const limit = Number(bound[2]);
    const [comparison, code] = BOUNDS[bound[1] as string] as [string, string];
    return { loc, msg: `ensure this value is ${comparison} ${limit}`, type: `value_error.number.${code}`, ctx: { limit_value: limit } };
  }
  if (reason === 'is required') return { loc, msg: 'field required', type: 'value_error.missing' };
  const json = /^is not valid JSON \((.*)\)$/s.exec(reason);
  if (json) {
    // The sandbox does not pass the body on; the document is not known here.
    const message = json[1] as string;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    const [line, column] = /line (\d+) column (\d+)/.exec(message)?.slice(1).map(Number) ?? [1, position + 1];
    return {
      loc: ['body', position],
      msg: message,
      type: 'value_error.jsondecode',
      ctx: { msg: message, doc: '', pos: position, lineno: line, colno: column },
    };
  }
  const expected = /^expected (\w+)/.exec(reason)?.[1];
  const typed: Record<string, [string, string]> = {
    integer: ['value is not a valid integer', 'type_error.integer'],
    number: ['value is not a valid float', 'type_error.float'],
    boolean: ['value could not be parsed to a boolean', 'type_error.bool'],
    string: ['str type expected', 'type_error.str'],
    object: ['value is not a valid dict', 'type_error.dict'],
    array: ['value is not a valid list', 'type_error.list'],
  };
  const known = expected ? typed[expected] : undefined;
  if (known) return { loc, msg: known[0], type: known[1] };
  return { loc, msg: reason, type: 'value_error' };
}
