import { hasBrand, stampBrands } from './brand.js';
import { redact, redactValue } from './redact.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type Inspect = (value: unknown, options?: unknown) => string;

/**
 * Give `errorClass` its brand at run time (its errors are then named by it, as by a static field).
 * Brands make `instanceof` hold across two loaded copies of `@trainwire/core`. Prefer declaring it
 * as a static field, `static override readonly brand = '<Name>'` (with `errorName` when the name
 * differs): a bundler drops an unused class whose static fields are plain values, but keeps every
 * class with a static block, used or not.
 */
export function brand(errorClass: Function, name: string): void {
  Object.defineProperty(errorClass, 'brand', { value: name });
}

/** The root of every error this library throws. Messages never contain a registered secret. */
export class TrainwireError extends Error {
  /** What `instanceof` matches across loaded copies; every error class declares its own. */
  static readonly brand: string = 'TrainwireError';
  /** The `name` of this class's errors when it is not its brand (a documented name beside a brand unique to the service); declared with a brand. */
  declare static readonly errorName?: string;

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` was asked about.
    return hasBrand(this, value);
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    stampBrands(this, new.target);
  }

  /**
   * Whether trying again may succeed: true for connection errors, timeouts and transient API
   * errors (see `APIError.retryable`), false for everything else (bad input, an abort, a conflict).
   * Retry loops and pollers read this; nothing else decides what is transient.
   */
  get retryable(): boolean {
    return false;
  }

  /** The fields that describe this error, redacted; what `toJSON` and `util.inspect` show. */
  protected describe(): Record<string, unknown> {
    return {};
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...this.#fields() };
  }

  [INSPECT](_depth: number, options: unknown, inspect?: Inspect): string {
    const fields = this.#fields();
    const stack = redact(this.stack ?? `${this.name}: ${this.message}`);
    if (Object.keys(fields).length === 0) return stack;
    return `${stack} ${inspect ? inspect(fields, options) : JSON.stringify(fields, null, 2)}`;
  }

  /** The redacted fields of `describe()`, and the cause when there is one. */
  #fields(): Record<string, unknown> {
    const fields = redactValue(this.describe()) as Record<string, unknown>;
    if (this.cause !== undefined) fields.cause = describeCause(this.cause);
    return fields;
  }
}

// An error's name is that of the nearest class up its chain with a brand of its own: its
// `errorName`, else its brand; assigning a name gives the error its own.
Object.defineProperty(TrainwireError.prototype, 'name', {
  get(this: TrainwireError): string {
    let owner = this.constructor as typeof TrainwireError;
    while (!Object.hasOwn(owner, 'brand')) owner = Object.getPrototypeOf(owner);
    return Object.hasOwn(owner, 'errorName') ? (owner.errorName as string) : owner.brand;
  },
  set(this: TrainwireError, value: string) {
    Object.defineProperty(this, 'name', { value, writable: true, configurable: true });
  },
  configurable: true,
});

function describeCause(cause: unknown): unknown {
  if (cause instanceof TrainwireError) return cause.toJSON();
  if (!(cause instanceof Error)) return redactValue(cause);
  const { name, message, code, cause: inner } = cause as Error & { code?: unknown };
  const described: Record<string, unknown> = { name, message: redact(message) };
  if (code !== undefined) described.code = code;
  if (inner !== undefined) described.cause = describeCause(inner);
  return described;
}
