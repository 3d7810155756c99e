// The spool's files as a crash leaves them: written here line by line, the way an earlier process
// would have, then taken over by a new spool.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsSpoolFile } from './metrics-spool-file.js';
import { batchLine, spoolLine } from './metrics-spool-lines.js';
import { defaultSpoolDir, openMetricsSpool, spooledExperiments } from './metrics-spool-open.js';

const EXPERIMENT = '0b6f8a52-3f0e-4a51-9d2c-6f1e2a3b4c5d';
let dir = '';
let folder = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainwire-spool-'));
  folder = join(dir, EXPERIMENT);
  await mkdir(folder, { mode: 0o700 });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const text = (parts: Uint8Array[]) => Buffer.concat(parts).toString('utf8');
const body = (...ids: [string, number | null][]) =>
  new TextEncoder().encode(JSON.stringify({ metrics: ids.map(([id, step]) => ({ client_event_id: id, name: 'gpu', value: 1, step })) }));
/** The file an ended process left: `pid` is this process's, under a session that is not live here (a restarted container's predecessor). */
const header = (session: string, overrides: Record<string, unknown> = {}) =>
  text(
    spoolLine(JSON.stringify({ spool: 1, experiment: EXPERIMENT, session, pid: process.pid, host: hostname(), started: '', ...overrides })),
  );
const batch = (id: string, ...ids: [string, number | null][]) => text(batchLine(id, body(...ids), ids.length));
const done = (id: string) => text(spoolLine(JSON.stringify({ done: id })));
const decoded = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the spool file', () => {
  it('takes over what an ended process left unacknowledged: not what was acknowledged, not a torn or garbled line', async () => {
    const garbled = batch('aaaaaaaaaaaa.2', ['r/loss/7', 7]).replace('"value":1', '"value":9');
    await writeFile(
      join(folder, 'aaaaaaaaaaaa.spool'),
      header('aaaaaaaaaaaa') +
        batch('aaaaaaaaaaaa.0', ['r/loss/0', 0], ['r/loss/1', 1]) +
        batch('aaaaaaaaaaaa.1', ['r/loss/2', 2]) +
        done('aaaaaaaaaaaa.0') +
        garbled +
        batch('aaaaaaaaaaaa.3', ['r/loss/3', 3]) +
        // The crash: the last write cut short.
        batch('aaaaaaaaaaaa.4', ['r/loss/4', 4]).slice(0, 40),
      { mode: 0o600 },
    );
    const spool = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(spool.recovered.map((item) => [item.id, item.events, decoded(item.body)])).toEqual([
      ['aaaaaaaaaaaa.1', 1, decoded(body(['r/loss/2', 2]))],
      ['aaaaaaaaaaaa.3', 1, decoded(body(['r/loss/3', 3]))],
    ]);
    expect(spool.skippedLines).toBe(2);
    // Its file is gone; the batches live on in the new one until settled.
    expect(await readdir(folder)).toEqual([spool.path.slice(folder.length + 1)]);
    spool.settle('aaaaaaaaaaaa.1');
    const again = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(again.recovered).toEqual([]); // the first is alive: its file is not to be taken
    await spool.close(new Map());
    await again.close(new Map());
    const third = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(third.recovered.map((item) => item.id)).toEqual(['aaaaaaaaaaaa.3']);
    third.settle('aaaaaaaaaaaa.3');
    await third.close(new Map());
    expect(await readdir(dir)).toEqual([]); // nothing left: the files and the experiment's folder are removed
  });

  it('leaves alone the file of a process that still runs, and the file of another machine', async () => {
    await writeFile(
      join(folder, 'bbbbbbbbbbbb.spool'),
      header('bbbbbbbbbbbb', { pid: process.ppid }) + batch('bbbbbbbbbbbb.0', ['r/a/1', 1]),
    );
    await writeFile(
      join(folder, 'cccccccccccc.spool'),
      header('cccccccccccc', { host: 'another-host' }) + batch('cccccccccccc.0', ['r/a/2', 2]),
    );
    const spool = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(spool.recovered).toEqual([]);
    await spool.close(new Map());
    expect((await readdir(folder)).sort()).toEqual(['bbbbbbbbbbbb.spool', 'cccccccccccc.spool']);
  });

  it('gives each file of an ended process to one of two spools opened at once', async () => {
    await writeFile(join(folder, 'dddddddddddd.spool'), header('dddddddddddd') + batch('dddddddddddd.0', ['r/a/1', 1], ['r/a/2', 2]));
    await writeFile(join(folder, 'eeeeeeeeeeee.spool'), header('eeeeeeeeeeee') + batch('eeeeeeeeeeee.0', ['r/a/3', 3]));
    const spools = await Promise.all([openMetricsSpool(EXPERIMENT, { dir }), openMetricsSpool(EXPERIMENT, { dir })]);
    const ids = spools.flatMap((spool) => spool.recovered.map((item) => item.id)).sort();
    expect(ids).toEqual(['dddddddddddd.0', 'eeeeeeeeeeee.0']);
    for (const spool of spools) await spool.close(new Map());
  });

  it('takes over a file whose taker ended before it finished, and counts a batch that was in both once', async () => {
    // The taker copied the batch into its own file, then ended before removing the file it took.
    await writeFile(join(folder, 'ffffffffffff.spool.adopt-999999999999'), header('ffffffffffff') + batch('ffffffffffff.0', ['r/a/1', 1]));
    await writeFile(join(folder, '999999999999.spool'), header('999999999999') + batch('ffffffffffff.0', ['r/a/1', 1]));
    const spool = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(spool.recovered.map((item) => item.id)).toEqual(['ffffffffffff.0']);
    await spool.close(new Map());
  });

  it('keeps where resumed step-less series stand, from counters and from the ids of batches, across files', async () => {
    await writeFile(
      join(folder, 'aaaaaaaaaaaa.spool'),
      header('aaaaaaaaaaaa') +
        text(spoolLine(JSON.stringify({ counters: { 'r/gpu/#': 40 } }))) +
        batch('aaaaaaaaaaaa.0', ['r/gpu/#40', null], ['r/gpu/#41', null], ['r/mem/#7/0123456789abcdef', null], ['r/loss/3', 3]) +
        done('aaaaaaaaaaaa.0') +
        // A session's own numbering (not a resumed run) is not a counter.
        batch('aaaaaaaaaaaa.1', ['r/gpu/#0a1b2c3d4e5f.900', null]),
    );
    const spool = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(Object.fromEntries(spool.counters)).toEqual({ 'r/gpu/#': 42, 'r/mem/#/0123456789abcdef': 8 });
    spool.settle('aaaaaaaaaaaa.1');
    await spool.close(new Map([['r/gpu/#', 50]]));
    // Nothing pending, but the counters stay for the next resumed run.
    const next = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(next.recovered).toEqual([]);
    expect(Object.fromEntries(next.counters)).toEqual({ 'r/gpu/#': 50, 'r/mem/#/0123456789abcdef': 8 });
    await next.close(new Map());
  });

  it('compacts its file once settled batches pass the threshold, keeping the pending ones', async () => {
    const spool = MetricsSpoolFile.create(folder, EXPERIMENT, { compactBytes: 4096 });
    const ids: string[] = [];
    for (let index = 0; index < 40; index++) ids.push(spool.append(body([`r/a/${index}`, index]), 1) as string);
    for (const id of ids.slice(0, 39)) spool.settle(id);
    const kept = await readFile(spool.path, 'utf8');
    expect(kept.length).toBeLessThan(4096);
    expect(kept).toContain(`"batch":"${ids[39]}"`);
    expect(kept).not.toContain(`"batch":"${ids[0]}"`);
    spool.append(body(['r/a/40', 40]), 1);
    await spool.close(new Map());
    const next = MetricsSpoolFile.create(folder, EXPERIMENT);
    expect(next.recovered.map((item) => decoded(item.body))).toEqual([decoded(body(['r/a/39', 39])), decoded(body(['r/a/40', 40]))]);
    await next.close(new Map());
  });

  it('refuses a spool folder others can write, or that is a symlink; never reads through a planted link', async () => {
    await chmod(dir, 0o777);
    await expect(openMetricsSpool(EXPERIMENT, { dir })).rejects.toThrow(/can be written by other users \(mode 777\)/);
    await chmod(dir, 0o700);
    const elsewhere = await mkdtemp(join(tmpdir(), 'trainwire-spool-other-'));
    await symlink(elsewhere, join(dir, 'linked'));
    await expect(openMetricsSpool(EXPERIMENT, { dir: join(dir, 'linked') })).rejects.toThrow(/symbolic link/);
    // A link planted where a spool file would be: not taken, and what it points to is untouched.
    const target = join(elsewhere, 'secret');
    await writeFile(target, header('abcabcabcabc') + batch('abcabcabcabc.0', ['r/a/1', 1]));
    await symlink(target, join(folder, 'abcabcabcabc.spool'));
    const spool = await openMetricsSpool(EXPERIMENT, { dir });
    expect(spool.recovered).toEqual([]);
    await spool.close(new Map());
    expect(await readFile(target, 'utf8')).toBe(header('abcabcabcabc') + batch('abcabcabcabc.0', ['r/a/1', 1]));
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('lives under XDG_STATE_HOME (else ~/.local/state), and lists the experiments it holds', async () => {
    expect(defaultSpoolDir({ XDG_STATE_HOME: '/state' })).toBe('/state/trainwire/metrics-spool');
    expect(defaultSpoolDir({ XDG_STATE_HOME: 'relative' })).toMatch(/\/\.local\/state\/trainwire\/metrics-spool$/);
    const spool = await openMetricsSpool(EXPERIMENT, { dir });
    spool.append(body(['r/a/1', 1]), 1);
    const odd = await openMetricsSpool('../../etc/passwd', { dir });
    expect(odd.path.startsWith(join(dir, 'id-'))).toBe(true);
    odd.append(body(['r/a/1', 1]), 1);
    expect(spooledExperiments(dir)).toEqual(['../../etc/passwd', EXPERIMENT]);
    await spool.close(new Map());
    await odd.close(new Map());
  });
});
