/** Builds a Redocly-style JSON pointer (`#/paths/~1runs/get`) from path segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  const escaped = segments.map((segment) => String(segment).replaceAll('~', '~0').replaceAll('/', '~1').replaceAll('%', '%25'));
  return `#/${escaped.join('/')}`;
}

/** Splits a local reference (`#/components/schemas/Run`) into its unescaped segments. */
export function parseLocalRef(ref: string): string[] | null {
  if (ref === '#') return [];
  if (!ref.startsWith('#/')) return null;
  return ref
    .slice(2)
    .split('/')
    .map((segment) => safeDecode(segment).replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Looks up a local reference in a document; `undefined` when it does not resolve. */
export function resolveLocalRef(document: unknown, ref: string): unknown {
  const segments = parseLocalRef(ref);
  if (segments === null) return undefined;
  let node: unknown = document;
  for (const segment of segments) {
    if (!isRecord(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Follows local `$ref`s (not schema refs) until a concrete object; `undefined` if one does not resolve. */
export function dereference(document: unknown, value: unknown): unknown {
  let current = value;
  for (let hops = 0; hops < 32; hops++) {
    if (!isRecord(current) || typeof current.$ref !== 'string') return current;
    current = resolveLocalRef(document, current.$ref);
  }
  return undefined;
}

/** Whether a value is a plain (non-array) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
