import { APIPromise, InvalidRequestError, type RequestOptions, registerSecret } from '@trainwire/core';
import type { RunicornCaller } from './runicorn-caller.js';
import { checkCount, checkText } from './runicorn-checks.js';
import type {
  RemoteConnection,
  RemoteDirectoryItem,
  RemotePathExists,
  RemoteSession,
  RemoteStatus,
  ViewerSession,
  ViewerStarted,
} from './runicorn-types.js';

/** SSH credentials; each secret is registered for redaction before it is sent. */
export interface SSHCredentials {
  password?: string;
  /** The private key's text. */
  private_key?: string;
  /** A key file on the viewer host. */
  private_key_path?: string;
  passphrase?: string;
  /** Use the viewer host's SSH agent. @default true (the viewer's default) */
  use_agent?: boolean;
}

/** Options of `remote.connect`. */
export interface RemoteConnectOptions extends SSHCredentials {
  /** @default 22 */
  port?: number;
  /** Required by the viewer. */
  username?: string;
}

/** Options of `remote.startViewer`. */
export interface StartViewerOptions extends SSHCredentials {
  /** Local end of the tunnel. @default chosen by the viewer */
  local_port?: number;
  /** Port of the remote viewer. @default chosen by the viewer */
  remote_port?: number;
  /** Conda environment to start the remote viewer in. */
  conda_env?: string;
}

/** Where an SSH connection goes. */
interface Endpoint {
  host: string;
  port: number;
  username: string;
}

const CONNECTION_ID = /^(.+)@(\[[^\]]+\]|[^@:]+):(\d+)$/;

/** `client.remote`: SSH connections and remote viewers, over the viewer's `/api/remote` routes. */
export class RemoteAPI {
  readonly #call: RunicornCaller;

  constructor(call: RunicornCaller) {
    this.#call = call;
  }

  /** Open an SSH connection from the viewer host; `connection_id` (`user@host:port`) names it afterwards. */
  connect(host: string, given: RemoteConnectOptions = {}, options?: RequestOptions): APIPromise<RemoteConnection> {
    return APIPromise.try(() => {
      const connection = given ?? {};
      checkText('host', host);
      checkCount('port', connection.port, 1);
      const body = { host, port: connection.port ?? 22, ...credentials(connection), ...defined({ username: connection.username }) };
      return this.#call.request('post', '/api/remote/connect', { body: body as never }, options);
    });
  }

  /**
   * Close a connection, named by `user@host:port` or by host (port and username then come from the
   * open sessions). The viewer answers `{ ok: false, message: 'Connection not found' }` (still 200)
   * when no such connection was open.
   */
  disconnect(hostOrConnectionId: string, endpoint: { port?: number; username?: string } = {}, options?: RequestOptions) {
    return APIPromise.after(
      () => this.endpoint(hostOrConnectionId, endpoint ?? {}, options),
      ({ host, port, username }) => this.#call.request('post', '/api/remote/disconnect', { body: { host, port, username } }, options),
    );
  }

  /** The open SSH connections; each `key` is its connection id. */
  listSessions(options?: RequestOptions): APIPromise<RemoteSession[]> {
    return this.#call.request('get', '/api/remote/sessions', {}, options).map((answer) => answer.sessions);
  }

  /**
   * Start a viewer on the remote host and tunnel it here. The viewer's route wants host, port and
   * username, not the connection id the Python client sent, so the id is resolved first.
   */
  startViewer(
    connectionId: string,
    remoteRoot: string,
    given: StartViewerOptions = {},
    options?: RequestOptions,
  ): APIPromise<ViewerStarted> {
    const viewer = given ?? {};
    const ready = async () => {
      checkText('remote_root', remoteRoot);
      checkCount('local_port', viewer.local_port, 1);
      checkCount('remote_port', viewer.remote_port, 1);
      return this.endpoint(connectionId, {}, options);
    };
    return APIPromise.after(ready, (endpoint) => {
      const body = {
        ...endpoint,
        remote_root: remoteRoot,
        ...credentials(viewer),
        ...defined({ local_port: viewer.local_port, remote_port: viewer.remote_port, conda_env: viewer.conda_env }),
      };
      return this.#call.request('post', '/api/remote/viewer/start', { body }, options);
    });
  }

  /** Stop a remote viewer and close its tunnel. */
  stopViewer(sessionId: string, options?: RequestOptions) {
    return APIPromise.try(() => {
      checkText('session_id', sessionId);
      return this.#call.request('post', '/api/remote/viewer/stop', { body: { session_id: sessionId } }, options);
    });
  }

  /** Every remote viewer session, running or not. */
  listViewerSessions(options?: RequestOptions): APIPromise<ViewerSession[]> {
    return this.#call.request('get', '/api/remote/viewer/sessions', {}, options).map((answer) => answer.sessions);
  }

  /** One remote viewer session (its `status` moves from `connecting` to `running`); the viewer answers the session itself. */
  getViewerStatus(sessionId: string, options?: RequestOptions): APIPromise<ViewerSession> {
    return APIPromise.try(() => {
      checkText('session_id', sessionId);
      return this.#call.request('get', '/api/remote/viewer/status/{session_id}', { params: { path: { session_id: sessionId } } }, options);
    });
  }

  /** The entries of a folder on the remote host (its home folder when `path` is omitted). */
  listRemoteDirectory(connectionId: string, path?: string, options?: RequestOptions): APIPromise<RemoteDirectoryItem[]> {
    return APIPromise.try(() => {
      checkText('connection_id', connectionId);
      const query = { connection_id: connectionId, ...defined({ path }) };
      return this.#call.request('get', '/api/remote/fs/list', { params: { query } }, options).map((answer) => answer.items);
    });
  }

  /** Whether a path exists on the remote host, and whether it is a folder. */
  checkRemotePath(connectionId: string, path: string, options?: RequestOptions): APIPromise<RemotePathExists> {
    return APIPromise.try(() => {
      checkText('connection_id', connectionId);
      checkText('path', path);
      return this.#call.request('get', '/api/remote/fs/exists', { params: { query: { connection_id: connectionId, path } } }, options);
    });
  }

  /** Open connections and viewer sessions, with their counts. */
  getRemoteStatus(options?: RequestOptions): APIPromise<RemoteStatus> {
    return this.#call.request('get', '/api/remote/status', {}, options);
  }

  /** `user@host:port` as it is; a bare host completed from `given`, then from the open sessions. */
  private async endpoint(id: string, given: { port?: number; username?: string }, options?: RequestOptions): Promise<Endpoint> {
    checkText('connection_id', id);
    const parsed = CONNECTION_ID.exec(id);
    if (parsed) return { username: parsed[1] as string, host: parsed[2] as string, port: Number(parsed[3]) };
    if (given.username !== undefined) return { host: id, port: given.port ?? 22, username: given.username };
    const sessions = await this.listSessions(options);
    const open = sessions.find((session) => session.host === id && (given.port === undefined || session.port === given.port));
    if (!open) {
      throw new InvalidRequestError(
        'connection_id',
        `no open connection to ${JSON.stringify(id)}; call remote.connect first or pass "user@host:port"`,
      );
    }
    return { host: open.host, port: open.port, username: open.username };
  }
}

function credentials(given: SSHCredentials): SSHCredentials {
  for (const secret of [given.password, given.private_key, given.passphrase]) if (secret) registerSecret(secret);
  return defined({
    password: given.password,
    private_key: given.private_key,
    private_key_path: given.private_key_path,
    passphrase: given.passphrase,
    use_agent: given.use_agent,
  });
}

/** Drop undefined fields: the viewer's models take absent, not null. */
function defined<T extends Record<string, unknown>>(fields: T): { [Key in keyof T]?: Exclude<T[Key], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as never;
}
