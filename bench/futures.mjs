// Section 4 of issue 7: futures. The time from the server completing an operation to `await future`
// resolving, for Tinker's long poll (`POST /api/v1/retrieve_future`, held by the server until the
// operation completes) and TenSafe's polling (`GET /v1/futures/{id}`, backoff from a 1 s poll
// interval, then `/result`), each with the client's default settings; and the requests made for a
// 10 s operation. The server's own clock says when it completed; the client is on the same machine.
import { randomUUID } from 'node:crypto';
import { ServiceClient } from '@trainwire/tinker';
import { TenSafeClient } from '@trainwire/tinker/tensafe';
import { ask, interleave, settings } from './lib.mjs';

/** How long each latency run's operation takes, and the long operation whose requests are counted. */
export const OPERATION_MS = Number(process.env.BENCH_FUTURE_MS ?? 3000);
export const LONG_OPERATION_MS = Number(process.env.BENCH_LONG_FUTURE_MS ?? 10_000);
const LABELS = { tinker: 'Tinker long poll (resumeFuture)', tensafe: 'TenSafe polling (getFuture)' };

/** A Tinker future token as `future.serialize()` makes it for an optim_step request. */
const tinkerToken = (id) =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      kind: 'tinker.future',
      id,
      data: {
        request_id: id,
        allow_metadata_only: true,
        request: { type: 'OptimStep', path: '/api/v1/optim_step', body: {} },
        resubmissions: 0,
      },
    }),
  ).toString('base64url');

export async function futures(server) {
  const tinker = new ServiceClient({ apiKey: 'tml-bench-0123456789', baseURL: server.url });
  const tensafe = new TenSafeClient({ apiKey: 'ts-bench-0123456789', baseURL: server.url });
  const follow = async (protocol, milliseconds) => {
    const id = `done-after-${milliseconds}-${randomUUID()}`;
    const future = protocol === 'tinker' ? tinker.resumeFuture(tinkerToken(id)) : tensafe.getFuture(id);
    await future;
    const resolvedAt = Date.now();
    const record = await ask(server, { ask: 'future', id });
    return { latency: resolvedAt - record.completesAt, requests: record.requests };
  };
  const latencies = await interleave(['tinker', 'tensafe'], async (protocol) => (await follow(protocol, OPERATION_MS)).latency, {
    warmUp: (protocol) => follow(protocol, 100),
    label: 'futures',
  });
  const rows = [];
  const section = 'Futures';
  for (const protocol of ['tinker', 'tensafe']) {
    const { median, min, max } = latencies.get(protocol);
    rows.push({
      section,
      case: `${OPERATION_MS / 1000} s operation`,
      client: LABELS[protocol],
      unit: 'ms completion → resolve',
      median,
      min,
      max,
    });
  }
  for (const protocol of ['tinker', 'tensafe']) {
    const { requests, latency } = await follow(protocol, LONG_OPERATION_MS);
    process.stderr.write(
      `futures ${protocol} ${LONG_OPERATION_MS} ms operation: ${requests} requests, resolved ${latency} ms after completion\n`,
    );
    const kase = `${LONG_OPERATION_MS / 1000} s operation (1 run)`;
    rows.push({ section, case: kase, client: LABELS[protocol], unit: 'requests', median: requests, min: requests, max: requests });
    rows.push({
      section,
      case: kase,
      client: LABELS[protocol],
      unit: 'ms completion → resolve',
      median: latency,
      min: latency,
      max: latency,
    });
  }
  tinker.close();
  return rows;
}

export const futuresNote = () =>
  `Futures: latency = Date.now() when \`await future\` resolves minus the time the server marks the operation complete (same machine); an operation completes ${OPERATION_MS} ms after the server first sees its future; median of ${settings.runs} runs, one warm-up. Tinker's server holds retrieve_future until completion (408 try_again after 30 s); TenSafe answers status at once (default poll interval 1 s, ×1.5 backoff to 10 s). Requests for the ${LONG_OPERATION_MS / 1000} s operation counted by the server in one run (TenSafe's include the final GET /result).`;
