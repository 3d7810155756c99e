import { redact } from '@trainwire/core';
import type { CliIo, OutputStream } from './cli-io.js';

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

/** A style name, or several joined by spaces (`'green bold'`). */
export type Style = keyof typeof STYLES | `${keyof typeof STYLES} ${keyof typeof STYLES}`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape codes is the point.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Visible width of `text` (escape codes do not count). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Whether to colour `stream`: a TTY, no `NO_COLOR`, no `--no-color`, not a dumb terminal. */
export function colorEnabled(stream: OutputStream, env: CliIo['env'], noColor: boolean): boolean {
  return Boolean(stream.isTTY) && !noColor && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** Writes the CLI's human output: redacted lines, colour when enabled, aligned tables. */
export class Output {
  readonly color: boolean;
  readonly #stream: OutputStream;

  constructor(stream: OutputStream, color: boolean) {
    this.#stream = stream;
    this.color = color;
  }

  get isTTY(): boolean {
    return Boolean(this.#stream.isTTY);
  }

  get columns(): number {
    return this.#stream.columns ?? 80;
  }

  /** `text` in `style`, or as it is when colour is off. */
  paint(style: Style, text: string): string {
    if (!this.color) return text;
    return style.split(' ').reduce((result, name) => {
      const [open, close] = STYLES[name as keyof typeof STYLES];
      return `\x1b[${open}m${result}\x1b[${close}m`;
    }, text);
  }

  /** Write one line; registered secrets (API keys, env values) are replaced by `[redacted]`. */
  line(text = ''): void {
    this.#stream.write(`${redact(text)}\n`);
  }

  /** Write raw text (escape codes of a redraw), redacted too. */
  raw(text: string): void {
    this.#stream.write(redact(text));
  }

  /** Write a value shown on purpose once (a new key), bypassing redaction. */
  unredacted(text: string): void {
    this.#stream.write(`${text}\n`);
  }

  /** Pretty JSON for `--json`. */
  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** An aligned table; `right` lists the columns aligned right (numbers). */
  table(headers: string[], rows: string[][], options: { title?: string; right?: number[] } = {}): void {
    const widths = headers.map((header, column) => Math.max(visibleWidth(header), ...rows.map((row) => visibleWidth(row[column] ?? ''))));
    const cell = (text: string, column: number) => {
      const pad = ' '.repeat((widths[column] ?? 0) - visibleWidth(text));
      return options.right?.includes(column) ? pad + text : text + pad;
    };
    if (options.title) this.line(this.paint('bold', options.title));
    this.line(
      headers
        .map((header, column) => this.paint('bold', cell(header, column)))
        .join('  ')
        .trimEnd(),
    );
    this.line(widths.map((width) => '─'.repeat(width)).join('  '));
    for (const row of rows)
      this.line(
        row
          .map((text, column) => cell(text, column))
          .join('  ')
          .trimEnd(),
      );
  }

  /** `label: value` lines with the labels aligned. */
  fields(pairs: [string, string][]): void {
    const width = Math.max(...pairs.map(([label]) => label.length));
    for (const [label, value] of pairs) this.line(`${this.paint('dim', `${label}:`.padEnd(width + 1))} ${value}`);
  }
}

/** `1234567` → `1,234,567`. */
export function credits(value: number): string {
  return value.toLocaleString('en-US');
}

/** A bar of `width` cells filled to `fraction`. */
export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A sparkline of the last `width` values. */
export function sparkline(values: readonly number[], width = 24): string {
  const shown = values.slice(-width);
  if (shown.length === 0) return '';
  const low = Math.min(...shown);
  const high = Math.max(...shown);
  return shown.map((value) => SPARKS[high === low ? 3 : Math.round(((value - low) / (high - low)) * 7)]).join('');
}

/** `3725000` ms → `01:02:05`. */
export function duration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const parts = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  return parts.map((part) => String(part).padStart(2, '0')).join(':');
}

/** `1536` → `1.5 KiB`. */
export function bytes(value: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return unit === 0 ? `${size} B` : `${size.toFixed(1)} ${units[unit]}`;
}
