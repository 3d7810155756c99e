/** A problem with an extension's value, located relative to the extension (`['style']`, or `[]`). */
export interface ExtensionIssue {
  readonly at: readonly (string | number)[];
  readonly message: string;
  /** Point at the key rather than the value (used for missing fields). */
  readonly onKey?: boolean;
}

/** The outcome of reading an extension: its value (null when invalid) and what is wrong with it. */
export interface ParsedExtension<T> {
  readonly value: T | null;
  readonly issues: readonly ExtensionIssue[];
}

/** Matches a dotted path into a JSON body (`cursor.total_count`) or `.` for the body itself. */
export const DOTTED_PATH = /^(?:\.|[^.\s]+(?:\.[^.\s]+)*)$/;

/** Quotes a value for a message: strings in single quotes, everything else as JSON. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}
