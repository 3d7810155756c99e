import { InvalidRequestError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createRunicornMock } from '../mocks/runicorn.js';
import { RunicornClient } from './runicorn-client.js';
import { NotFoundError, RateLimitError, RunicornAPIError, ServerError } from './runicorn-errors.js';

let mock = createRunicornMock();
const { server, requests } = useMockServer(() => {
  mock = createRunicornMock({ seed: 5 });
  return mock.handlers;
});
const client = () => new RunicornClient({ logLevel: 'off' });
const bodies = () => Promise.all(requests.map((request) => request.body));

describe('client.remote', () => {
  it('connects over SSH and names the connection user@host:port', async () => {
    const connection = await client().remote.connect('gpu-01.lab', { username: 'ml', private_key_path: '~/.ssh/id_ed25519' });
    expect(connection).toEqual({
      ok: true,
      connection_id: 'ml@gpu-01.lab:22',
      host: 'gpu-01.lab',
      port: 22,
      username: 'ml',
      connected: true,
    });
    expect(requests[0]?.url.pathname).toBe('/api/remote/connect');
    expect(await bodies()).toEqual(['{"host":"gpu-01.lab","port":22,"private_key_path":"~/.ssh/id_ed25519","username":"ml"}']);
    expect(await client().remote.listSessions()).toEqual([
      { key: 'ml@gpu-01.lab:22', host: 'gpu-01.lab', port: 22, username: 'ml', connected: true },
    ]);
  });

  it('refuses a connect without a username before sending (the viewer requires one)', async () => {
    await expect(client().remote.connect('gpu-01.lab')).rejects.toThrow(InvalidRequestError);
    await expect(client().remote.connect('gpu-01.lab')).rejects.toThrow(/body\.username/);
    expect(requests).toHaveLength(0);
  });

  it('raises ServerError with the viewer detail when SSH fails, and never shows the password', async () => {
    const failure = await client()
      .remote.connect('gpu-01.lab', { username: 'ml', password: 'wrong' }, { maxRetries: 0 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerError);
    expect(failure).toMatchObject({ status: 500, message: '500 Connection failed: Authentication failed.' });
    const secret = await client()
      .remote.connect('box.invalid', { username: 'ml', password: 's3cr3t-pw' }, { maxRetries: 0 })
      .catch((error: unknown) => error);
    expect((secret as Error).message).toBe('500 Connection failed: [Errno -2] Name or service not known');
    expect(JSON.stringify(secret)).not.toContain('s3cr3t-pw');
  });

  it('raises RateLimitError after 10 connects a minute, with the Retry-After the viewer sent', async () => {
    mock = createRunicornMock({ seed: 5, connectRateLimit: 2 });
    server.resetHandlers(...mock.handlers);
    await client().remote.connect('a.lab', { username: 'ml' });
    await client().remote.connect('b.lab', { username: 'ml' });
    const limited = await client()
      .remote.connect('c.lab', { username: 'ml' }, { maxRetries: 0 })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toBeInstanceOf(RunicornAPIError);
    expect(limited).toMatchObject({ status: 429, message: '429 Rate limit exceeded', retryAfter: 60_000 });
  });

  it('starts a viewer from a connection id: host, port and username go on the wire', async () => {
    await client().remote.connect('gpu-01.lab', { username: 'ml', port: 2222 });
    requests.length = 0;
    const started = await client().remote.startViewer('ml@gpu-01.lab:2222', '/data/runicorn', { local_port: 8090 });
    expect(started.ok).toBe(true);
    expect(started.message).toBe('Remote Viewer ready at http://localhost:8090');
    // The session's host is the tunnel's far end: the remote viewer listens on the remote loopback.
    expect(started.session).toMatchObject({
      host: '127.0.0.1',
      sshPort: 2222,
      username: 'ml',
      localPort: 8090,
      remoteRoot: '/data/runicorn',
      status: 'running',
      isActive: true,
    });
    expect(JSON.parse((await bodies())[0] as string)).toEqual({
      username: 'ml',
      host: 'gpu-01.lab',
      port: 2222,
      remote_root: '/data/runicorn',
      local_port: 8090,
    });
  });

  it('starts a viewer from a bare host (the documented example) by finding its open connection', async () => {
    await client().remote.connect('remote-server.com', { username: 'alice' });
    requests.length = 0;
    const started = await client().remote.startViewer('remote-server.com', '/data/runicorn');
    expect(started.session).toMatchObject({
      username: 'alice',
      sshPort: 22,
      remotePort: 8080,
      url: `http://localhost:${started.session.localPort}`,
    });
    expect(requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'GET /api/remote/sessions',
      'POST /api/remote/viewer/start',
    ]);
    await expect(client().remote.startViewer('unknown.lab', '/data')).rejects.toThrow(/no open connection to "unknown.lab"/);
    // A local port already tunnelled cannot be bound again.
    const { localPort } = started.session;
    await expect(
      client().remote.startViewer('alice@remote-server.com:22', '/data', { local_port: localPort }, { maxRetries: 0 }),
    ).rejects.toThrow('500 Failed to start Remote Viewer: SSH tunnel failed to start');
  });

  it('lists, inspects and stops viewer sessions', async () => {
    const { session } = await client().remote.startViewer('ml@gpu-01.lab:22', '/data/runicorn');
    expect((await client().remote.listViewerSessions()).map((item) => item.sessionId)).toEqual([session.sessionId]);
    expect((await client().remote.getViewerStatus(session.sessionId)).status).toBe('running');
    const status = await client().remote.getRemoteStatus();
    expect(status).toMatchObject({ connection_count: 1, viewer_session_count: 1 });
    expect(await client().remote.stopViewer(session.sessionId)).toEqual({ ok: true, message: `Session ${session.sessionId} stopped` });
    // The viewer forgets a stopped session.
    await expect(client().remote.getViewerStatus(session.sessionId)).rejects.toThrow(NotFoundError);
    expect(await client().remote.listViewerSessions()).toEqual([]);
    expect((await client().remote.getRemoteStatus()).viewer_session_count).toBe(0);
    await expect(client().remote.stopViewer(session.sessionId)).rejects.toThrow(NotFoundError);
    await expect(client().remote.getViewerStatus('session_missing')).rejects.toThrow('404 Session not found: session_missing');
  });

  it('browses the remote file system', async () => {
    const { connection_id: id } = await client().remote.connect('gpu-01.lab', { username: 'ml' });
    expect((await client().remote.listRemoteDirectory(id)).map((item) => item.name)).toEqual(['miniconda3', '.bashrc', 'train.py']);
    const items = await client().remote.listRemoteDirectory(id, '/data/runicorn');
    expect(items.map((item) => [item.name, item.is_dir])).toEqual([
      ['nlp', true],
      ['vision', true],
    ]);
    expect(requests.at(-1)?.url.search).toBe('?connection_id=ml%40gpu-01.lab%3A22&path=%2Fdata%2Frunicorn');
    expect(await client().remote.checkRemotePath(id, '/data/runicorn')).toEqual({ path: '/data/runicorn', exists: true, is_dir: true });
    expect(await client().remote.checkRemotePath(id, '/home/ml/train.py')).toEqual({
      path: '/home/ml/train.py',
      exists: true,
      is_dir: false,
    });
    expect(await client().remote.checkRemotePath(id, '/tmp/none')).toEqual({ path: '/tmp/none', exists: false, is_dir: false });
    await expect(client().remote.listRemoteDirectory('nobody@x:22')).rejects.toThrow('404 Connection not found or inactive: nobody@x:22');
  });

  it('disconnects by host, filling port and username from the open sessions', async () => {
    await client().remote.connect('gpu-01.lab', { username: 'ml', port: 2200 });
    requests.length = 0;
    expect(await client().remote.disconnect('gpu-01.lab')).toEqual({ ok: true, message: 'Connection removed' });
    expect(await requests[1]?.body).toBe('{"host":"gpu-01.lab","port":2200,"username":"ml"}');
    expect(mock.state.connections.size).toBe(0);
    // The viewer answers 200 with ok: false when nothing was open.
    expect(await client().remote.disconnect('ml@gpu-01.lab:2200')).toEqual({ ok: false, message: 'Connection not found' });
  });
});
