// The shape of the `service` table that @trainwire/codegen writes into every generated file
// (tools/codegen/FORMAT.md). Core reads the table at run time; codegen imports these types from here.

import type { CrossOriginRedirects } from './redirects.js';

/** A JSON value, as found in `enum` and `const`. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON Schema type name. */
export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

/**
 * The subset of JSON Schema (2020-12 vocabulary) that a request or response validator needs.
 * A `$ref` is always `#/components/schemas/<Name>` and resolves against `ServiceDefinition.schemas`.
 */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: JsonSchemaType | readonly JsonSchemaType[];
  readonly format?: string;
  readonly enum?: readonly JsonValue[];
  readonly const?: JsonValue;
  readonly properties?: { readonly [name: string]: JsonSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly prefixItems?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly not?: JsonSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
}

/** An HTTP method, upper-case, as it appears in an operation key. */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'OPTIONS' | 'HEAD' | 'PATCH' | 'TRACE';

/** How a service authenticates, from the first scheme its root `security` names. */
export type AuthDefinition = { readonly type: 'apiKey'; readonly in: 'header'; readonly name: string } | { readonly type: 'bearer' };

/**
 * How a list operation pages (`x-pagination`), with defaults filled in. Every `items`, `total`,
 * `hasNext` and `nextCursor` is a dotted path into the 200 body; `'.'` means the body itself.
 */
export type PaginationDefinition =
  | {
      readonly style: 'offset';
      readonly items: string;
      readonly offsetParam: string;
      readonly limitParam: string;
      readonly total: string | null;
    }
  | {
      readonly style: 'page';
      readonly items: string;
      readonly pageParam: string;
      readonly perPageParam: string;
      readonly hasNext: string | null;
    }
  | {
      readonly style: 'cursor';
      readonly items: string;
      readonly cursorParam: string;
      readonly nextCursor: string;
    }
  | { readonly style: 'none'; readonly items: string };

/** An operation that starts long-running work (`x-long-running`) and the operation that polls it. */
export interface LongRunningDefinition {
  /** Dotted path to the id of the work in the 2xx body. */
  readonly id: string;
  /** The `operationId` of the operation that polls the work. */
  readonly poll: string;
  readonly protocol: 'long-poll' | 'poll';
}

/**
 * The parameters of one operation, one object schema per location. A location without parameters
 * is absent (hand-written tables may also say `null`).
 */
export interface ParamsDefinition {
  readonly path?: JsonSchema | null;
  readonly query?: JsonSchema | null;
  /** Header names are lower-cased. */
  readonly header?: JsonSchema | null;
}

/** The request body of an operation; `schema` is absent when the media type declares none. */
export interface BodyDefinition {
  /** @default false */
  readonly required?: boolean;
  readonly contentType: string;
  /** The other media types the operation accepts (`application/x-protobuf`...); `schema` does not apply to them. */
  readonly otherContentTypes?: readonly string[] | null;
  readonly schema?: JsonSchema | null;
}

/** One declared response; both fields are absent when it has no content (e.g. 204), `schema` when the media type declares none. */
export interface ResponseDefinition {
  readonly contentType?: string | null;
  readonly schema?: JsonSchema | null;
  /**
   * `schema` compiled to code by codegen (no `eval`), on 2xx and `default` responses: true when a
   * body conforms. A body it refuses is run through `validate` for the path and reason of the issue.
   * @default none: the body is checked by `validate`
   */
  readonly check?: ResponseCheck | null;
}

/** A compiled check of a response body: true when it conforms to its schema (as `validate` reads it). */
export type ResponseCheck = (value: unknown) => boolean;

/**
 * One operation of the service, keyed in `ServiceDefinition.operations` by `'METHOD /path'` (the
 * key is the only place the method and the path template are written). Codegen leaves out every
 * field that would say "none" or the default, so the table a bundle carries stays small.
 */
export interface OperationDefinition {
  readonly operationId: string;
  /** Whether a retry may repeat the request (`x-idempotent`). @default true for all methods but POST and PATCH */
  readonly idempotent?: boolean;
  /**
   * Statuses that mean "conflict, do not retry" for this operation (`x-conflict-statuses`), instead
   * of the service's. @default ServiceDefinition.conflictStatuses
   */
  readonly conflictStatuses?: readonly number[] | null;
  /** How a redirect to another origin is met for this operation (`x-cross-origin-redirects`). @default ServiceDefinition.crossOriginRedirects */
  readonly crossOriginRedirects?: CrossOriginRedirects | null;
  /** Absent when the operation does not page. */
  readonly pagination?: PaginationDefinition | null;
  /** Absent when the operation does not start long-running work. */
  readonly longRunning?: LongRunningDefinition | null;
  readonly params: ParamsDefinition;
  /** Absent when the operation takes no request body. */
  readonly body?: BodyDefinition | null;
  /** Every declared status code (`'200'`, `'4XX'`, ...) and `'default'`. */
  readonly responses: { readonly [status: string]: ResponseDefinition };
}

/** Everything a runtime needs to know about one service, generated from its OpenAPI spec. */
export interface ServiceDefinition {
  /** The name of the codegen config entry. */
  readonly name: string;
  readonly title: string;
  readonly version: string;
  /** `servers[].url`, in order. */
  readonly servers: readonly string[];
  readonly auth: AuthDefinition | null;
  /** The header that carries the idempotency key (`x-idempotency-header`). */
  readonly idempotencyHeader: string | null;
  /**
   * Statuses that mean "conflict, do not retry" in this service (root `x-conflict-statuses`), e.g.
   * `[409]` where a 409 is a state conflict rather than a lock timeout. @default none: 409 is retried
   */
  readonly conflictStatuses?: readonly number[] | null;
  /**
   * How a redirect to another origin is met (root `x-cross-origin-redirects`): `'strip-credentials'`
   * follows it without any credential header (an API that redirects to its storage).
   * @default 'error': a cross-origin redirect throws `RedirectError`
   */
  readonly crossOriginRedirects?: CrossOriginRedirects | null;
  readonly operations: { readonly [key: string]: OperationDefinition };
  /** `components.schemas`, the targets of every `$ref`. */
  readonly schemas: { readonly [name: string]: JsonSchema };
}
