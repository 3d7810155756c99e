import { describe, expect, it } from 'vitest';
import { splitOperationKey } from './operation-key.js';
import { widgets } from './test-support/widgets.js';

describe('splitOperationKey', () => {
  it('splits a key at its first space: the method, then the path template (which may hold spaces)', () => {
    expect(splitOperationKey('GET /v1/runs/{run_id}')).toEqual({ method: 'GET', path: '/v1/runs/{run_id}' });
    expect(splitOperationKey('POST /files/{name with space}')).toEqual({ method: 'POST', path: '/files/{name with space}' });
  });

  it('gives back every key of a table', () => {
    for (const key of Object.keys(widgets.operations)) {
      const { method, path } = splitOperationKey(key);
      expect(`${method} ${path}`).toBe(key);
      expect(path.startsWith('/')).toBe(true);
    }
  });
});
