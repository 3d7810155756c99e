import { describe, expect, it } from 'vitest';
import { parseLongRunning } from './long-running-extension.js';

describe('parseLongRunning', () => {
  it('accepts an id path, an existing poll operation and a protocol', () => {
    const raw = { id: 'future.request_id', poll: 'retrieveFuture', protocol: 'long-poll' };
    expect(parseLongRunning(raw, new Set(['retrieveFuture']))).toEqual({ value: raw, issues: [] });
  });

  it('reports each bad field where it is', () => {
    const parsed = parseLongRunning({ id: '.', poll: 'missing', protocol: 'push', extra: 1 }, new Set(['other']));
    expect(parsed.value).toBeNull();
    expect(parsed.issues).toEqual([
      { at: ['extra'], onKey: true, message: "unknown key 'extra' (allowed: id, poll, protocol)" },
      { at: ['id'], message: "id must be a dotted path like 'request_id' (got '.')" },
      { at: ['poll'], message: "poll 'missing' is not the operationId of any operation" },
      { at: ['protocol'], message: "protocol must be one of long-poll, poll (got 'push')" },
    ]);
  });

  it('requires every field', () => {
    expect(parseLongRunning({}, null).issues.map(({ message }) => message)).toEqual([
      'id is required',
      'poll is required',
      'protocol is required',
    ]);
  });
});
