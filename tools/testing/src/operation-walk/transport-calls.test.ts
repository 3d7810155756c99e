import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TransportCall, transportCalls } from './transport-calls.js';

const tsconfig = fileURLToPath(new URL('./test-fixture/tsconfig.json', import.meta.url));
const fixture = (file: string) => file === 'fixture-client.ts';

let calls: TransportCall[] = [];
// Building a TypeScript program takes seconds; on a loaded 2-core machine, many.
beforeAll(() => {
  calls = transportCalls(tsconfig, fixture, [
    { name: '#send', method: 'POST', pathArgument: 0 },
    { name: 'remove', method: 'DELETE', pathArgument: 1 },
  ]);
}, 180_000);

describe('transportCalls', () => {
  it('reads the operation keys the compiler resolves for each transport call, constants, templates and unions included', () => {
    expect(calls.map(({ site, keys }) => ({ site, keys: [...keys].sort() }))).toEqual([
      { site: 'fixture-client.ts › listRuns', keys: ['GET /runs'] },
      { site: 'fixture-client.ts › getRun', keys: ['GET /runs/{id}'] },
      { site: 'fixture-client.ts › logs', keys: ['GET /runs/{id}/logs'] },
      { site: 'fixture-client.ts › getOrDelete', keys: ['DELETE /runs/{id}', 'GET /runs/{id}'] },
      // A forwarder's calls, their path read from the argument named.
      { site: 'fixture-client.ts › createRun', keys: ['POST /runs'] },
      // A plain function forwards too.
      { site: 'fixture-client.ts › deleteRun', keys: ['DELETE /runs/{id}'] },
      // The forwarders' own calls, whose path is only known as `never`: no keys, for the test to review.
      { site: 'fixture-client.ts › #send', keys: [] },
      { site: 'fixture-client.ts › remove', keys: [] },
    ]);
    expect(calls[0]?.where).toMatch(/^fixture-client\.ts:\d+$/);
  });

  it('reads only the files it is asked to', () => {
    expect(transportCalls(tsconfig, () => false)).toEqual([]);
  }, 180_000);
});
