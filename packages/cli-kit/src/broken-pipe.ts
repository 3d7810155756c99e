/// <reference types="node" />

/**
 * End the process quietly (exit 0) when a reader closes the pipe it writes to, as in
 * `middleman jobs logs ID | head`: Node reports EPIPE as an error event, which would otherwise
 * crash with a stack trace. Other stream errors are rethrown.
 */
export function exitQuietlyOnBrokenPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
      throw error;
    });
  }
}
