import { stripVTControlCharacters } from 'node:util';
import { redact } from '@trainwire/core';
import Table from 'cli-table3';
import picocolors from 'picocolors';
import type { CliIo, OutputStream } from './cli-io.js';

type ColorName = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';

/** A style name, or several joined by spaces (`'green bold'`). */
export type Style = ColorName | `${ColorName} ${ColorName}`;

/** Visible width of `text` (escape codes do not count). */
export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/**
 * Whether to colour `stream`: a TTY, no `NO_COLOR`, no `--no-color`, not a dumb terminal. Decided
 * here rather than by picocolors' own detection, which looks at the process, not at this stream.
 */
export function colorEnabled(stream: OutputStream, env: CliIo['env'], noColor: boolean): boolean {
  return Boolean(stream.isTTY) && !noColor && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** cli-table3 without borders: columns two spaces apart, a rule under the header. */
const BORDERLESS = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '─',
    'mid-mid': '  ',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
};

/** Writes the CLI's human output: redacted lines, colour (picocolors) when enabled, tables (cli-table3). */
export class Output {
  readonly color: boolean;
  readonly colors: ReturnType<typeof picocolors.createColors>;
  readonly #stream: OutputStream;

  constructor(stream: OutputStream, color: boolean) {
    this.#stream = stream;
    this.color = color;
    this.colors = picocolors.createColors(color);
  }

  get isTTY(): boolean {
    return Boolean(this.#stream.isTTY);
  }

  get columns(): number {
    return this.#stream.columns || 80;
  }

  get rows(): number {
    return this.#stream.rows || 24;
  }

  /** `text` in `style`, or as it is when colour is off. */
  paint(style: Style, text: string): string {
    return style.split(' ').reduce((result, name) => this.colors[name as ColorName](result), text);
  }

  /** Write one line; registered secrets (API keys, env values) are replaced by `[redacted]`. */
  line(text = ''): void {
    this.#stream.write(`${redact(text)}\n`);
  }

  /** Write raw text (help, escape codes of a redraw), redacted too. */
  raw(text: string): void {
    this.#stream.write(redact(text));
  }

  /** Write a value shown on purpose once (a new key), bypassing redaction. */
  unredacted(text: string): void {
    this.#stream.write(`${text}\n`);
  }

  /** An aligned table under a bold header; `right` lists the columns aligned right (numbers). */
  table(headers: string[], rows: string[][], options: { title?: string; right?: number[] } = {}): void {
    const table = new Table({
      ...BORDERLESS,
      head: headers.map((header) => this.paint('bold', header)),
      colAligns: headers.map((_, column) => (options.right?.includes(column) ? 'right' : 'left')),
    });
    table.push(...rows);
    if (options.title) this.line(this.paint('bold', options.title));
    this.line(table.toString().replace(/ +$/gm, ''));
  }

  /** `label: value` lines with the values aligned. */
  fields(pairs: [string, string][]): void {
    const table = new Table({ ...BORDERLESS, chars: { ...BORDERLESS.chars, middle: ' ' } });
    table.push(...pairs.map(([label, value]) => [this.paint('dim', `${label}:`), value]));
    this.line(table.toString().replace(/ +$/gm, ''));
  }
}

/** A bar of `width` cells filled to `fraction`. */
export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
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
