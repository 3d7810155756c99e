import { registerSecret } from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { redactQuery } from './redact-query.js';

describe('redactQuery', () => {
  it('hides credential parameters and registered secrets, keeps the rest', () => {
    expect(redactQuery('?signature=abc123&job_id=j-1&X-Amz-Signature=zz&access_token=t&limit=5')).toBe(
      '?signature=[redacted]&job_id=j-1&X-Amz-Signature=[redacted]&access_token=[redacted]&limit=5',
    );
    registerSecret('mdlm_secret_in_a_query');
    expect(redactQuery('?q=mdlm_secret_in_a_query')).toBe('?q=[redacted]');
    expect(redactQuery('')).toBe('');
  });
});
