import { RawCode } from './compile-checks.js';
import { quote } from './format-typescript.js';

const LINE_WIDTH = 100;
const INDENT = '  ';
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Prints JSON-like data as a TypeScript literal: single quotes, 2-space indentation, trailing
 * commas, and objects or arrays kept on one line when they fit in 100 columns.
 */
export function renderLiteral(value: unknown, indent = '', prefixWidth = 0): string {
  const inline = renderInline(value);
  if (indent.length + prefixWidth + inline.length + 1 <= LINE_WIDTH || !isContainer(value)) return inline;
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    const items = value.map((item) => `${inner}${renderLiteral(item, inner)},\n`);
    return `[\n${items.join('')}${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const name = renderKey(key);
    return `${inner}${name}: ${renderLiteral(item, inner, name.length + 2)},\n`;
  });
  return `{\n${entries.join('')}${indent}}`;
}

function renderInline(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof RawCode) return value.code;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(renderInline).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([key, item]) => `${renderKey(key)}: ${renderInline(item)}`).join(', ')} }`;
}

function renderKey(key: string): string {
  // A literal `__proto__:` key would set the prototype instead of defining a property.
  if (key === '__proto__') return `[${quote(key)}]`;
  return IDENTIFIER.test(key) ? key : quote(key);
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof RawCode) && Object.keys(value).length > 0;
}
