// pullArtifact on Node goes through node:http (@trainwire/core/node-stream) unless the client has its
// own fetch or fetchOptions; real loopback servers, since that path is below fetch.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { APIUserAbortError } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceClient } from './tensafe-client.js';

const MiB = 1024 * 1024;
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An artifact server: `size` bytes of ciphertext in 64 KiB chunks under backpressure; it records each request's Sec-Fetch-Mode and when the client went away. */
async function artifactServer(size: number) {
  const seen: Array<string | undefined> = [];
  let closed: Promise<unknown> | undefined;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(request.headers['sec-fetch-mode'] as string | undefined);
    closed = once(response, 'close');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    const chunk = Buffer.alloc(64 * 1024, 3);
    let written = 0;
    const write = () => {
      while (written < size && !response.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - written));
        written += part.length;
        if (!response.write(part)) return void response.once('drain', write);
      }
      if (written >= size) response.end();
    };
    write();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, closed: () => closed };
}

const client = (url: string, options: Partial<ConstructorParameters<typeof ServiceClient>[0]> = {}) =>
  new ServiceClient({ apiKey: 'ts-test-key', baseURL: url, logLevel: 'off', retryCount: 0, ...options });

describe('pullArtifact on Node', () => {
  it('downloads through node:http without a custom fetch or fetchOptions, and through fetch with either', async () => {
    const server = await artifactServer(200_000);
    expect((await client(server.url).pullArtifact('art-1')).byteLength).toBe(200_000);
    const custom = await client(server.url, { fetch: (request, init) => globalThis.fetch(request, init) }).pullArtifact('art-1');
    expect(custom.byteLength).toBe(200_000);
    await client(server.url, { fetchOptions: { keepalive: false } }).pullArtifact('art-1');
    // Node's fetch sends Sec-Fetch-Mode: cors; node:http sends nothing of the kind.
    expect(server.seen).toEqual([undefined, 'cors', 'cors']);
  });

  it("an abort mid-body is the caller's APIUserAbortError, and the connection is closed", async () => {
    const server = await artifactServer(256 * MiB);
    const controller = new AbortController();
    const { body } = await client(server.url).pullArtifact('art-1', { stream: true }, { signal: controller.signal });
    const reader = body.getReader();
    await reader.read();
    controller.abort();
    const error = await (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIUserAbortError);
    await server.closed();
  });

  it.runIf(process.platform === 'linux')(
    'a 256 MiB download to a file in a child process keeps its peak RSS within 64 MB of where it started',
    async () => {
      const size = 256 * MiB;
      const server = await artifactServer(size);
      const folder = await mkdtemp(join(tmpdir(), 'tensafe-rss-'));
      // The built package, as a user loads it; VmHWM is the process's own high-water mark.
      const script = `
        import { readFileSync } from 'node:fs';
        const vm = (name) => Number(new RegExp(name + ':\\\\s+(\\\\d+)').exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
        const { TenSafeClient } = await import('@trainwire/tinker/tensafe');
        const tensafe = new TenSafeClient({ apiKey: 'ts-test-key', baseURL: process.argv[1], logLevel: 'off' });
        const before = vm('VmHWM');
        const pulled = await tensafe.pullArtifact('art-1', { destination: process.argv[2] });
        console.log(JSON.stringify({ bytes: pulled.bytesWritten, before, peak: vm('VmHWM') }));`;
      try {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['--input-type=module', '-e', script, server.url, join(folder, 'a.bin')],
          {
            cwd: import.meta.dirname,
            timeout: 90_000,
          },
        );
        const { bytes, before, peak } = JSON.parse(stdout.trim().split('\n').pop() as string);
        expect(bytes).toBe(size);
        expect(server.seen).toEqual([undefined]);
        expect(peak - before).toBeLessThan(size / 4);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
