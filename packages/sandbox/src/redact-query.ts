import { REDACTED, redact } from '@trainwire/core';

// Query parameters that carry credentials: presigned-URL signatures, tokens, keys.
const SECRET_PARAM = /(^|[-_.])(signature|sig|token|key|secret|credential|password)$/i;

/** A query string fit for a log line: credential parameters (`signature`, `access_token`...) replaced by `[redacted]`. */
export function redactQuery(search: string): string {
  if (!search) return '';
  const params = new URLSearchParams(search);
  for (const [name] of params) if (SECRET_PARAM.test(name)) params.set(name, REDACTED);
  return redact(`?${params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}`);
}
