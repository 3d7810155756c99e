import { describe, expect, it } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { type AuditLogEntry, auditRecordHash, GENESIS_HASH, verifyAuditChain } from './tensafe-audit.js';
import { canonicalJson, pythonNumber } from './tensafe-canonical-json.js';

// Computed with CPython 3: json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=True).
const PYTHON_CANONICAL =
  '{"artifact_ids_consumed":[],"artifact_ids_produced":["art-1","art-2"],"completed_at":null,"dp_metrics":{"delta":1e-05,"epsilon_spent":0.5,"grad_norm_before_clip":1.2345678901234568e+16,"noise_applied":true,"num_clipped":3,"total_epsilon":2.0},"entry_id":"aud-0b7e1c52-3f7a-4c1e-9d2a-5e8f1a2b3c4d","operation":"optim_step","prev_hash":"sha256:0000000000000000000000000000000000000000000000000000000000000000","request_hash":"sha256:abababababababababababababababababababababababababababababababab","request_size_bytes":27,"started_at":"2026-02-08T09:00:00.123456","success":true,"tenant_id":"tenant-1a2b3c4d","training_client_id":"tc-\\u00e9-client"}';
const PYTHON_RECORD_HASH = 'sha256:e4848dfb5295488fb5f106f35fab0acbcf90649944405705d1856f701c688b6d';

const entry: AuditLogEntry = {
  entry_id: 'aud-0b7e1c52-3f7a-4c1e-9d2a-5e8f1a2b3c4d',
  tenant_id: 'tenant-1a2b3c4d',
  training_client_id: 'tc-é-client',
  operation: 'optim_step',
  request_hash: `sha256:${'ab'.repeat(32)}`,
  request_size_bytes: 27,
  artifact_ids_produced: ['art-2', 'art-1'],
  artifact_ids_consumed: [],
  started_at: '2026-02-08T09:00:00.123456',
  completed_at: null,
  duration_ms: null,
  success: true,
  error_code: null,
  error_message: null,
  prev_hash: GENESIS_HASH,
  record_hash: PYTHON_RECORD_HASH,
  dp_metrics: {
    noise_applied: true,
    epsilon_spent: 0.5,
    total_epsilon: 2,
    delta: 1e-5,
    num_clipped: 3,
    grad_norm_before_clip: 1.2345678901234568e16,
  },
};

describe('canonical JSON', () => {
  it('writes what CPython writes, byte for byte', () => {
    const { record_hash, duration_ms, error_code, error_message, ...rest } = entry;
    const record = { ...rest, artifact_ids_produced: [...rest.artifact_ids_produced].sort() };
    expect(canonicalJson(record)).toBe(PYTHON_CANONICAL);
  });

  it("writes floats as Python's repr does", () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [1, '1.0'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1.5e16, '1.5e+16'],
      [123456789.125, '123456789.125'],
      [1e22, '1e+22'],
      [-2.5e-7, '-2.5e-07'],
      [3e15, '3000000000000000.0'],
      [1e16, '1e+16'],
    ];
    for (const [value, repr] of cases) expect(pythonNumber(value, false)).toBe(repr);
    expect(pythonNumber(27, true)).toBe('27');
  });
});

describe('verifyAuditChain', () => {
  it("computes the server's record_hash", () => {
    expect(auditRecordHash(entry)).toBe(PYTHON_RECORD_HASH);
    expect(verifyAuditChain([entry], { previousHash: GENESIS_HASH })).toEqual({ valid: true, checked: 1, lastHash: PYTHON_RECORD_HASH });
  });

  it("accepts the mock's chain and names the first altered, removed or reordered entry", async () => {
    const mock = createTenSafeMock({ artifactSize: 64 });
    await mock.state.ready;
    const chain = mock.state.auditLog.map((item) => ({ ...item }));
    expect(chain.length).toBeGreaterThanOrEqual(4);
    expect(verifyAuditChain(chain, { previousHash: GENESIS_HASH })).toMatchObject({ valid: true, checked: chain.length });

    const altered = chain.map((item, index) => (index === 2 ? { ...item, success: false } : item));
    expect(verifyAuditChain(altered)).toMatchObject({ valid: false, index: 2, entry_id: chain[2]?.entry_id, field: 'record_hash' });

    const removed = chain.filter((_, index) => index !== 1);
    const result = verifyAuditChain(removed);
    expect(result).toMatchObject({
      valid: false,
      index: 1,
      entry_id: chain[2]?.entry_id,
      field: 'prev_hash',
      expected: chain[0]?.record_hash,
    });
    expect(result.valid === false && result.message).toBe(
      `Audit chain broken at entry 1 (${chain[2]?.entry_id}): its prev_hash does not link to the entry before it.`,
    );

    expect(verifyAuditChain(removed, { checkLinks: false })).toMatchObject({ valid: true, checked: chain.length - 1 });
    expect(verifyAuditChain(altered, { checkLinks: false })).toMatchObject({ valid: false, index: 2, field: 'record_hash' });
    expect(verifyAuditChain(chain.slice(1), { previousHash: GENESIS_HASH })).toMatchObject({ valid: false, index: 0, field: 'prev_hash' });
    expect(verifyAuditChain(chain.slice(1))).toMatchObject({ valid: true });
    expect(verifyAuditChain([])).toEqual({ valid: true, checked: 0, lastHash: undefined });
  });
});
