// A client for the scanner's tests: calls of a `Transport` with literal, constant, template and
// union paths, a forwarder, and look-alike calls that are not transport calls.
interface paths {
  '/runs': { get: object; post: object };
  '/runs/{id}': { get: object; delete: object };
  '/runs/{id}/logs': { get: object };
}

/** Stands in for core's `Transport`: the scanner knows it by its name. */
interface Transport {
  request<Method extends 'get' | 'post' | 'delete', Path extends keyof paths>(method: Method, path: Path): Promise<unknown>;
  paginate<Method extends 'get', Path extends keyof paths>(method: Method, path: Path): Promise<unknown>;
}

const RUN = '/runs/{id}';
const notTransport = { request: (path: string) => Promise.resolve(path) };

export class FixtureClient {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  listRuns() {
    return this.#transport.paginate('get', '/runs');
  }

  getRun() {
    return this.#transport.request('get', RUN);
  }

  logs() {
    return this.#transport.request('get', `${RUN}/logs`);
  }

  getOrDelete(remove: boolean) {
    return this.#transport.request(remove ? 'delete' : 'get', RUN);
  }

  createRun() {
    return this.#send('/runs');
  }

  deleteRun() {
    return remove(this.#transport, RUN);
  }

  lookAlike() {
    return notTransport.request('/runs');
  }

  #send(path: keyof paths) {
    return this.#transport.request('post', path as never);
  }
}

/** A forwarder that is a plain function, its path the second argument. */
function remove(transport: Transport, path: keyof paths) {
  return transport.request('delete', path as never);
}
