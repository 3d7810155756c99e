import type { AuthDefinition } from '@trainwire/core';
import type { ExtensionIssue, ParsedExtension } from './extension-issue.js';
import { isRecord, parseLocalRef, resolveLocalRef, toPointer } from './json-pointer.js';

/**
 * Reads the first security scheme named by the root `security`. Issues are located from the
 * document root. Only an API key in a header and HTTP bearer (or OAuth2/OpenID, sent as bearer)
 * are supported.
 */
export function readAuth(document: Record<string, unknown>): ParsedExtension<AuthDefinition | null> {
  const security = document.security;
  if (!Array.isArray(security)) return { value: null, issues: [] };
  const index = security.findIndex((requirement) => isRecord(requirement) && Object.keys(requirement).length > 0);
  if (index === -1) return { value: null, issues: [] };
  const name = Object.keys(security[index] as Record<string, unknown>)[0] as string;
  let at: (string | number)[] = ['components', 'securitySchemes', name];
  let scheme = resolveLocalRef(document, toPointer(at));
  if (isRecord(scheme) && typeof scheme.$ref === 'string') {
    at = parseLocalRef(scheme.$ref) ?? at;
    scheme = resolveLocalRef(document, scheme.$ref);
  }
  const fail = (issue: ExtensionIssue): ParsedExtension<AuthDefinition | null> => ({ value: null, issues: [issue] });
  if (!isRecord(scheme)) {
    return fail({
      at: ['security', index, name],
      onKey: true,
      message: `security scheme '${name}' is not defined in components.securitySchemes`,
    });
  }
  if (scheme.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string') {
    return { value: { type: 'apiKey', in: 'header', name: scheme.name }, issues: [] };
  }
  const httpBearer = scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer';
  if (httpBearer || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
    return { value: { type: 'bearer' }, issues: [] };
  }
  const kind = scheme.type === 'apiKey' ? `apiKey in ${String(scheme.in)}` : `${String(scheme.type)} ${String(scheme.scheme ?? '')}`.trim();
  return fail({
    at,
    onKey: true,
    message: `security scheme '${name}' (${kind}) is not supported: use an apiKey in a header or http bearer`,
  });
}
