import { describe, expect, it } from 'vitest';
import { clipRedacted, credentialsInURL, REDACTED, redact, redactSecrets, redactValue, registerSecret } from './redact.js';

const KEY = 'tw-live_7Qx9LmR2vK8pN4sT6wY1zB3cD5fG0hJ2kL';
registerSecret(KEY);

const base64 = (text: string) => Buffer.from(text).toString('base64');
const base64url = (text: string) => Buffer.from(text).toString('base64url');
const percentEveryByte = (text: string) => Array.from(Buffer.from(text), (byte) => `%${byte.toString(16).toUpperCase()}`).join('');

/** Every 10-character piece of the key: none may survive in a redacted text. */
function expectNoPiece(text: string) {
  for (let start = 0; start + 10 <= KEY.length; start++) expect(text).not.toContain(KEY.slice(start, start + 10));
}

describe('redact: the usual encodings of a registered secret', () => {
  const forms: [string, string][] = [
    ['as is', KEY],
    ['upper-cased', KEY.toUpperCase()],
    ['lower-cased', KEY.toLowerCase()],
    ['percent-encoded (every byte)', percentEveryByte(KEY)],
    ['percent-encoded (lower-case hex)', percentEveryByte(KEY).toLowerCase()],
    ['base64', base64(KEY)],
    ['base64url', base64url(KEY)],
    ['base64 of Bearer <key>', base64(`Bearer ${KEY}`)],
    ['base64url of Bearer <key>', base64url(`Bearer ${KEY}`)],
    ...['u', 'us', 'usr', 'user', 'admin1'].map((user): [string, string] => [
      `base64 of ${user}:<key> (basic auth)`,
      base64(`${user}:${KEY}`),
    ]),
    ['base64 of the key and more', base64(`{"key":"${KEY}","n":1}`)],
  ];

  it.each(forms)('replaces the key %s', (_form, encoded) => {
    const text = `server said: <${encoded}> (end)`;
    const redacted = redact(text);
    expect(redacted).not.toContain(encoded);
    expect(redacted).toContain(REDACTED);
    expect(redacted.startsWith('server said: <')).toBe(true);
    expect(redacted.endsWith('> (end)')).toBe(true);
    expectNoPiece(redacted);
  });

  it('takes the whole base64 word around an encoded key, so no encoded piece of it is left', () => {
    const encoded = base64(`alice:${KEY}`);
    expect(redact(`Authorization: Basic ${encoded}`)).toBe('Authorization: Basic [redacted]');
    expect(redact(`token=${encoded};`)).toBe(`token=${REDACTED};`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Retrying GET https://api.test/v1/runs in 500 ms (attempt 2 of 3): 503 — QWxhZGRpbjpvcGVuIHNlc2FtZQ==';
    expect(redact(text)).toBe(text);
  });

  it('redacts extra secrets for one call only', () => {
    expect(redact('sig abcdefgh12345678 here', ['abcdefgh12345678'])).toBe(`sig ${REDACTED} here`);
    expect(redact('sig abcdefgh12345678 here')).toBe('sig abcdefgh12345678 here');
  });
});

describe('redact: presigned URL signatures', () => {
  const url =
    'https://bucket.s3.amazonaws.com/u/file.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';

  it('replaces every credential query value, and keeps the rest of the URL', () => {
    const redacted = redact(`PUT ${url} failed`);
    expect(redacted).not.toContain('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    expect(redacted).not.toContain('AKIAEXAMPLE');
    expect(redacted).toContain('X-Amz-Signature=[redacted]');
    expect(redacted).toContain('X-Amz-Credential=[redacted]');
    expect(redacted).toContain('X-Amz-Expires=900');
    expect(redacted).toContain('https://bucket.s3.amazonaws.com/u/file.bin?');
  });

  it.each([
    ['https://acct.blob.core.windows.net/c/f?sv=2024&sp=w&sig=Zm9vYmFyYmF6cXV4', 'Zm9vYmFyYmF6cXV4'],
    ['https://storage.googleapis.com/b/o?X-Goog-Signature=deadbeefcafe1234', 'deadbeefcafe1234'],
    ['https://storage.test/upload/t1?signature=0123456789abcdef&x=1', '0123456789abcdef'],
    ['https://cdn.test/f?token=tok_0123456789', 'tok_0123456789'],
    ['https://api.test/f?access_token=ya29.abcdef', 'ya29.abcdef'],
  ])('hides the credential of %s', (link, credential) => {
    expect(redact(`see ${link}`)).not.toContain(credential);
    expect(credentialsInURL(link)).toContain(credential);
  });

  it('finds the credentials of a URL, for an error about that URL', () => {
    expect(credentialsInURL(url)).toEqual([
      'AKIAEXAMPLE/20260101/us-east-1/s3/aws4_request',
      '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    ]);
    expect(credentialsInURL('https://user:p4ssw0rd-long@host.test/x')).toEqual(['p4ssw0rd-long']);
    expect(credentialsInURL('not a url')).toEqual([]);
  });
});

describe('clipRedacted: redaction before truncation', () => {
  it('never leaves part of a key at the cut', () => {
    // 460 characters, then the key: a cut at 500 first would keep its first 40 characters.
    const text = `${'x'.repeat(460)}${KEY}`;
    const clipped = clipRedacted(text, 500);
    expect(clipped).toBe(`${'x'.repeat(460)}${REDACTED}`);
    expectNoPiece(clipRedacted(`${'y'.repeat(470)}${base64(KEY)}`, 500));
  });

  it('cuts long texts after redacting', () => {
    expect(clipRedacted('a'.repeat(600), 500)).toBe(`${'a'.repeat(500)}…`);
  });
});

describe('redactValue', () => {
  it('redacts every string deep down, extra secrets included', () => {
    expect(redactValue({ a: [KEY.toUpperCase(), { b: 'one-off-secret' }], authorization: 'x' }, ['one-off-secret'])).toEqual({
      a: [REDACTED, { b: REDACTED }],
      authorization: REDACTED,
    });
  });
});

describe('redactSecrets: what a response header keeps', () => {
  it('redacts keys but keeps a signed URL readable (a redirect Location the caller asked for)', () => {
    const location = 'https://storage.test/a.tar?expires=1&signature=0123456789abcdef';
    expect(redactSecrets(location)).toBe(location);
    expect(redactSecrets(`${location}&k=${KEY}`)).toBe(`${location}&k=${REDACTED}`);
    expect(redact(location)).toBe('https://storage.test/a.tar?expires=1&signature=[redacted]');
  });
});
