import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './start-sandbox.js';
import { probeSandboxService } from './test-support/probe-service.js';

const services = { probe: probeSandboxService };
let sandbox: Sandbox<typeof services>;

afterEach(async () => {
  await sandbox?.close();
});

describe('streaming', () => {
  it('hands the mock the upload as it arrives: the mock answers after the first chunk while the rest is unsent', async () => {
    sandbox = await startSandbox({ services });
    // The client sends one chunk and then waits for the answer before ending the body: a sandbox that
    // read the whole body before calling the mock would never answer.
    const answer = await new Promise<string>((resolve, reject) => {
      const request = httpRequest(`${sandbox.urls.probe}/first-chunk`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk;
        });
        response.on('end', () => {
          request.destroy();
          resolve(text);
        });
      });
      request.on('error', reject);
      request.write(Buffer.alloc(4096, 7));
    });
    expect(JSON.parse(answer)).toEqual({ first: 4096 });
  });

  it('streams a large upload through to the mock without holding it in memory', async () => {
    sandbox = await startSandbox({ services });
    const size = 256 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).fill(9);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const before = process.memoryUsage().rss;
    const response = await fetch(`${sandbox.urls.probe}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(await response.json()).toEqual({ count: size });
    expect(process.memoryUsage().rss - before).toBeLessThan(size / 2);
  }, 60_000);

  it('pipes a streamed response: the first chunk arrives before the mock has finished the body', async () => {
    sandbox = await startSandbox({ services });
    const response = await fetch(`${sandbox.urls.probe}/download`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBe(1000);
    sandbox.mocks.probe.state.releaseDownload?.();
    let rest = 0;
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += part.value.byteLength;
    expect(rest).toBe(500);
  });
});
