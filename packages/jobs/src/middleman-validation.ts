import { InvalidRequestError } from '@trainwire/core';
import type { components } from './generated/jobs.js';
import { FRAMEWORKS, GPU_TYPES, JOB_STATUSES } from './middleman-job.js';

type Schemas = components['schemas'];

/** Limits the documented SDK states (and the spec encodes). */
export const LIMITS = {
  gpu_count: { min: 1, max: 8 },
  max_runtime_hours: { min: 1, max: 72 },
  limit: { min: 1, max: 100 },
  expires_in_days: { min: 1, max: 365 },
} as const;

export const API_KEY_SCOPES: readonly Schemas['ApiKeyScope'][] = ['read', 'write', 'admin'];

/**
 * A short rendering of a rejected value for an error message. Never throws: a bigint, symbol,
 * function or cycle (which `JSON.stringify` throws on or drops) is named by its type.
 */
export function shown(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'an array' : 'an object';
  }
  if (text === undefined) return String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * The params object of a call: `{}` when it was left out, the object when it is one, else
 * `InvalidRequestError` naming `field` (so `null` or a string never reaches `params.name`).
 */
export function paramsObject<Params extends object>(field: string, value: Params | undefined): Params {
  if (value === undefined) return {} as Params;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError(field, `must be an object (got ${shown(value)})`);
  }
  return value;
}

/** Fail unless `value` is a number of milliseconds: finite and not negative. */
export function checkMilliseconds(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw new InvalidRequestError(field, `must be a number of milliseconds, 0 or more (got ${shown(value)})`);
  }
}

/** Fail with `InvalidRequestError` unless `value` is absent or a whole number, 1 or more. */
export function checkCount(field: string, value: unknown): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) {
    throw new InvalidRequestError(field, `must be a whole number, 1 or more (got ${shown(value)})`);
  }
}

/** Fail with `InvalidRequestError` unless `value` is one of `allowed`. */
export function checkOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InvalidRequestError(field, `must be one of ${allowed.join(', ')} (got ${shown(value)})`);
  }
}

/** Fail unless `value` is an integer in `[min, max]`. */
export function checkInteger(field: string, value: unknown, range: { min: number; max?: number }): void {
  const inRange = Number.isInteger(value) && (value as number) >= range.min && (range.max === undefined || (value as number) <= range.max);
  if (!inRange) {
    const bounds = range.max === undefined ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
    throw new InvalidRequestError(field, `must be a whole number ${bounds} (got ${shown(value)})`);
  }
}

/** Fail unless `value` is a string with something other than spaces in it. */
export function checkNonEmpty(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidRequestError(field, `must be a non-empty string (got ${shown(value)})`);
  }
}

/** Check a job before it is created: paths, GPU, framework, counts and environment. */
export function validateJobCreate(body: Schemas['JobCreateRequest']): void {
  checkNonEmpty('script_path', body.script_path);
  checkNonEmpty('input_data_path', body.input_data_path);
  if (body.gpu_type !== undefined) checkOneOf('gpu_type', body.gpu_type, Object.keys(GPU_TYPES));
  if (body.gpu_count !== undefined) checkInteger('gpu_count', body.gpu_count, LIMITS.gpu_count);
  if (body.framework !== undefined) checkOneOf('framework', body.framework, FRAMEWORKS);
  if (body.max_runtime_hours !== undefined) checkInteger('max_runtime_hours', body.max_runtime_hours, LIMITS.max_runtime_hours);
  if (body.checkpoint_frequency !== undefined) checkInteger('checkpoint_frequency', body.checkpoint_frequency, { min: 1 });
  if (body.requirements_file !== undefined) checkNonEmpty('requirements_file', body.requirements_file);
  if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length > 200)) {
    throw new InvalidRequestError('name', 'must be a string of at most 200 characters');
  }
  const environment = body.environment_variables;
  if (environment !== undefined && (typeof environment !== 'object' || environment === null || Array.isArray(environment))) {
    throw new InvalidRequestError('environment_variables', 'must be an object of names to string values');
  }
  for (const [name, value] of Object.entries(environment ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InvalidRequestError('environment_variables', `names must be letters, digits and _ (got ${shown(name)})`);
    }
    // The value is never echoed: it is usually a secret.
    if (typeof value !== 'string') throw new InvalidRequestError(`environment_variables.${name}`, 'must be a string');
  }
}

/** Check the query of `listJobs`. */
export function validateJobQuery(query: { status?: unknown; limit?: unknown; offset?: unknown }): void {
  if (query.status !== undefined) checkOneOf('status', query.status, JOB_STATUSES);
  validatePaging(query);
}

/** Check `limit` (1–100) and `offset` (≥ 0) of a list call. */
export function validatePaging(query: { limit?: unknown; offset?: unknown }): void {
  if (query.limit !== undefined) checkInteger('limit', query.limit, LIMITS.limit);
  if (query.offset !== undefined) checkInteger('offset', query.offset, { min: 0 });
}

/** Check a new API key's name, scopes and lifetime. */
export function validateApiKeyCreate(body: Schemas['ApiKeyCreateRequest']): void {
  checkNonEmpty('name', body.name);
  if (!Array.isArray(body.scopes) || body.scopes.length === 0) {
    throw new InvalidRequestError('scopes', `must list at least one of ${API_KEY_SCOPES.join(', ')}`);
  }
  for (const scope of body.scopes) checkOneOf('scopes', scope, API_KEY_SCOPES);
  if (body.expires_in_days !== null) checkInteger('expires_in_days', body.expires_in_days, LIMITS.expires_in_days);
}
