import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';

describe('withFileLock', () => {
  const folders: string[] = [];
  afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  it('lets one holder in at a time, and the next in as soon as the first is done', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'oracle-lock-'));
    folders.push(folder);
    const lock = join(folder, 'apt.lock');
    const events: string[] = [];
    const waits: string[] = [];
    const hold = (name: string) =>
      withFileLock(
        lock,
        name,
        async () => {
          events.push(`${name} in`);
          await new Promise((resolve) => setTimeout(resolve, 300));
          events.push(`${name} out`);
          return name;
        },
        (line) => waits.push(line),
      );
    const results = await Promise.all([hold('first'), hold('second')]);
    expect(results).toEqual(['first', 'second']);
    // Never both inside: each "in" is followed by its own "out".
    expect(events).toHaveLength(4);
    expect(events[0]?.replace(' in', '')).toBe(events[1]?.replace(' out', ''));
    expect(events[2]?.replace(' in', '')).toBe(events[3]?.replace(' out', ''));
  });

  it('releases the lock when the work throws', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'oracle-lock-'));
    folders.push(folder);
    const lock = join(folder, 'apt.lock');
    await expect(
      withFileLock(
        lock,
        'failing',
        () => Promise.reject(new Error('boom')),
        () => undefined,
      ),
    ).rejects.toThrow('boom');
    await expect(
      withFileLock(
        lock,
        'next',
        async () => 'got it',
        () => undefined,
      ),
    ).resolves.toBe('got it');
  });
});
