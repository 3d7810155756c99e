// Escape sequences a terminal acts on: CSI (ESC [ or 8-bit 0x9B) with its parameters, OSC / DCS /
// SOS / PM / APC strings (ESC ] ... up to BEL or ST), and two-character ESC sequences.
const SEQUENCES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
// What is left of C0 and C1 (and DEL), and the bidirectional overrides that reorder what is shown.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Server text made safe to print on a terminal: escape sequences (colours, cursor moves, screen
 * clears, window titles, hyperlinks) are removed, a lone CR (which lets text overwrite a line) and
 * the other C0/C1 control characters are dropped, and bidirectional overrides too. Line feeds and
 * tabs stay unless `singleLine`, which turns every line break and tab into a space.
 */
export function terminalSafe(text: string, options: { singleLine?: boolean } = {}): string {
  const stripped = text.replace(SEQUENCES, '');
  const flat = options.singleLine ? stripped.replace(/[\r\n\t]+/g, ' ') : stripped.replace(/\r\n/g, '\n');
  return flat.replace(CONTROLS, '');
}

/** A JSON-like value with every string (keys too) passed through {@link terminalSafe}. */
export function terminalSafeValue(value: unknown): unknown {
  if (typeof value === 'string') return terminalSafe(value);
  if (Array.isArray(value)) return value.map(terminalSafeValue);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [terminalSafe(key), terminalSafeValue(item)]));
}

/**
 * A `fetch` whose JSON answers have every string made {@link terminalSafe}, so nothing a server
 * says reaches the terminal with escape sequences, whatever command prints it (errors included).
 * Other answers pass through untouched.
 */
export function terminalSafeFetch(fetch: (input: Request, init?: RequestInit) => Promise<Response>) {
  return async (input: Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    if (!/\bjson\b/i.test(response.headers.get('content-type') ?? '') || response.body === null) return response;
    const text = await response.text();
    let body = text;
    try {
      body = JSON.stringify(terminalSafeValue(JSON.parse(text)));
    } catch {
      body = terminalSafe(text); // not JSON after all: the client reports it, without escapes
    }
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    const safe = new Response(body, { status: response.status, statusText: response.statusText, headers });
    if (response.url) Object.defineProperty(safe, 'url', { value: response.url });
    return safe;
  };
}
