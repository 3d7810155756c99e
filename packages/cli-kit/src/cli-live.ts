import cliCursor from 'cli-cursor';
import { createLogUpdate } from 'log-update';
import type { Output } from './cli-output.js';

/** A block of lines redrawn in place on a terminal (log-update), with the cursor hidden until `done`. */
export interface LiveBlock {
  /** Replace the block with `lines`. */
  render(lines: string[]): void;
  /** Erase the block (a progress bar that is finished). */
  clear(): void;
  /** Keep the last block on screen and show the cursor again. */
  done(): void;
}

/** A live block on `out` (a TTY); what it writes goes through `out`, so it is redacted too. */
export function liveBlock(out: Output): LiveBlock {
  // log-update reads the size from the stream; a pseudo-terminal may report 0 columns and rows.
  const stream = {
    isTTY: true,
    get columns() {
      return out.columns;
    },
    get rows() {
      return out.rows;
    },
    write: (text: string) => out.raw(text),
  } as unknown as NodeJS.WriteStream;
  // log-update's own cursor hiding writes to process.stderr, so the cursor is handled on this stream.
  const update = createLogUpdate(stream, { showCursor: true });
  cliCursor.hide(stream);
  return {
    render: (lines) => update(lines.join('\n')),
    clear: () => update.clear(),
    done() {
      update.done();
      cliCursor.show(stream);
    },
  };
}
