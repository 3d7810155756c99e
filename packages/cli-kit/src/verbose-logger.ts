import type { Logger } from '@trainwire/core';
import type { Output } from './cli-output.js';
import { terminalSafe } from './terminal-text.js';

const SHOWN_IN_MESSAGE = new Set(['method', 'url', 'attempt', 'ms']);

/**
 * The logger `--verbose` hands a client (with `logLevel: 'debug'`): each HTTP exchange as one
 * dimmed `* ` line on stderr, with the facts the client logged (status, request id, retry wait).
 * The client redacts messages and fields before they get here; `err` redacts again.
 */
export function verboseLogger(err: Output): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const extra = Object.entries(fields ?? {})
      .filter(([name, value]) => !SHOWN_IN_MESSAGE.has(name) && value !== undefined)
      .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    const prefix = level === 'debug' ? '*' : `* ${level}:`;
    err.line(err.paint('dim', terminalSafe(`${prefix} ${message}${extra ? `  ${extra}` : ''}`, { singleLine: true })));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
