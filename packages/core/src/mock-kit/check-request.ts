import type { ServiceDefinition } from '../service-definition.js';
import type { ValidationIssue } from '../validate.js';
import { checkJsonBody } from './check-json-body.js';
import { checkParams } from './check-params.js';
import { isJsonMedia } from './json-media.js';
import { createOperationMatcher, type OperationMatch } from './operation-matcher.js';

/** A request as the spec guard reads it: method, URL, headers and the body's text (`''` for none). */
export interface GuardedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

/**
 * What the spec guard found: the operation (when one matched) and every way the request departs
 * from the spec (an issue with an empty `path` concerns the whole request).
 */
export interface RequestCheck {
  match: OperationMatch | undefined;
  issues: ValidationIssue[];
}

/** Checks a request (undefined when it is not under the base URL); `covers(url)` says beforehand whether it will. */
export type RequestChecker = ((request: GuardedRequest) => RequestCheck | undefined) & { covers(url: URL): boolean };

/**
 * The spec guard, whole: for a request under `baseURL` (others give undefined), find its operation
 * in the generated table, then check its path, query and header parameters and its body (media
 * type, JSON syntax, schema) against it, strictly (see `checkParams`). For tests of our own
 * clients; the sandbox uses the same pieces one by one, to answer each with its own status.
 */
export function createRequestChecker(service: ServiceDefinition, baseURL: string): RequestChecker {
  const base = new URL(baseURL);
  const basePath = base.pathname.replace(/\/+$/, '');
  const match = createOperationMatcher(service);
  const covers = (url: URL) => url.origin === base.origin && (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`));
  const check = (request: GuardedRequest): RequestCheck | undefined => {
    const { url } = request;
    if (!covers(url)) return undefined;
    const path = url.pathname.slice(basePath.length);
    const result = match(request.method, path);
    if (!('found' in result)) {
      return {
        match: undefined,
        issues: [{ path: '', reason: `no operation of ${service.name} is ${request.method.toUpperCase()} ${path || '/'}` }],
      };
    }
    const found = result.found;
    const issues: ValidationIssue[] = found.undecodable.map((segment) => ({
      path: 'path',
      reason: `segment ${JSON.stringify(segment)} is not valid percent-encoding`,
    }));
    issues.push(...checkParams(found.operation, found.pathParams, url, request.headers, service.schemas, { strict: true }));
    issues.push(...bodyIssues(service, found, request));
    return { match: found, issues };
  };
  return Object.assign(check, { covers });
}

function bodyIssues(service: ServiceDefinition, { operation }: OperationMatch, request: GuardedRequest): ValidationIssue[] {
  if (!operation.body) return request.body === '' ? [] : [{ path: 'body', reason: `${operation.operationId} takes no body` }];
  const issues: ValidationIssue[] = [];
  const contentType = request.headers.get('content-type') ?? '';
  // Another media type the operation declares (Tinker's protobuf): the JSON schema does not describe its bytes.
  if (request.body !== '' && operation.body.otherContentTypes?.some((type) => contentType.toLowerCase().startsWith(type))) return issues;
  const expected = operation.body.contentType;
  if (request.body !== '' && !contentType.toLowerCase().startsWith(expected)) {
    issues.push({ path: 'body', reason: `sent as ${JSON.stringify(contentType)}, the spec says ${expected}` });
  }
  if (isJsonMedia(expected)) {
    const issue = checkJsonBody(operation, request.body, service.schemas);
    if (issue) issues.push(issue);
  } else if (request.body === '' && operation.body.required) {
    issues.push({ path: 'body', reason: 'is required' });
  }
  return issues;
}
