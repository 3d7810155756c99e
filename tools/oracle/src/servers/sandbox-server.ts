import { type Sandbox, type SandboxRequestEntry, startSandbox } from '@trainwire/sandbox';

/** trainwire-sandbox (our packages/sandbox, built), with every request it answered kept in order. */
export interface RecordedSandbox {
  sandbox: Sandbox;
  /** Every request so far; slice it from a `requests.length` taken before a call. */
  requests: SandboxRequestEntry[];
}

/** Start the sandbox in this process on a free loopback port. */
export async function startRecordedSandbox(): Promise<RecordedSandbox> {
  const requests: SandboxRequestEntry[] = [];
  const sandbox = await startSandbox({ port: 0, onRequest: (entry) => requests.push(entry) });
  return { sandbox, requests };
}
