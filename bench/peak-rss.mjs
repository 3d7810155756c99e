// This process's peak resident set size in bytes. On Linux it is VmHWM from /proc/self/status:
// getrusage's ru_maxrss would also count the pages of the parent the worker was forked from (it
// survives exec), so a worker started by a large runner would report the runner's size as its own.
import { readFileSync } from 'node:fs';

export function peakRss() {
  try {
    const kilobytes = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kilobytes) return Number(kilobytes) * 1024;
  } catch {
    // Not Linux: getrusage is the best there is.
  }
  return process.resourceUsage().maxRSS * 1024;
}
