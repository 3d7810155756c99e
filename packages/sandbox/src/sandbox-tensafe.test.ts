import { afterEach, describe, expect, it } from 'vitest';
import { sandboxServices } from './sandbox-services.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';

let sandbox: Sandbox<Pick<typeof sandboxServices, 'tensafe'>>;

afterEach(async () => {
  await sandbox?.close();
});

describe('TenSafe in the sandbox', () => {
  it("refuses what breaks the spec as the server's FastAPI does: 422 detail lists, 404 and 405 {detail}", async () => {
    sandbox = await startSandbox({ services: { tensafe: sandboxServices.tensafe } });
    const send = async (method: string, path: string, body?: string) => {
      const headers = { authorization: 'Bearer ts-test-key', 'content-type': 'application/json' };
      const response = await fetch(`${sandbox.urls.tensafe}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      return { status: response.status, body: await response.json() };
    };
    expect(await send('POST', '/v1/training_clients', '{}')).toEqual({
      status: 422,
      body: { detail: [{ type: 'missing', loc: ['body', 'model_ref'], msg: 'Field required', input: {} }] },
    });
    expect(await send('GET', '/v1/audit_logs?offset=-1')).toEqual({
      status: 422,
      body: {
        detail: [
          {
            type: 'greater_than_equal',
            loc: ['query', 'offset'],
            msg: 'Input should be greater than or equal to 0',
            input: '-1',
            ctx: { ge: 0 },
          },
        ],
      },
    });
    expect(await send('GET', '/v1/nowhere')).toEqual({ status: 404, body: { detail: 'Not Found' } });
    expect(await send('PUT', '/v1/training_clients')).toEqual({ status: 405, body: { detail: 'Method Not Allowed' } });
  });
});
