import type { CommandContext, CommandSpec } from '@trainwire/cli-kit';
import type { MiddlemanClient } from '../middleman-client.js';
import type { MiddlemanSettings } from './cli-config.js';

/** The global options of `middleman` besides the common ones (commander's camelCase names). */
export interface MiddlemanGlobalOptions {
  apiKey?: string;
  baseUrl?: string;
  profile?: string;
}

/** What a `middleman` command's handler gets. */
export interface MiddlemanContext<Options extends object = object> extends CommandContext<Options & MiddlemanGlobalOptions> {
  /** The key, base URL and profile in use, and where they came from. */
  settings(): Promise<MiddlemanSettings>;
  /** The client, built on first use from the settings; a missing key is a setup error. */
  client(): Promise<MiddlemanClient>;
  /** A client for a key given on the command line (`auth`), at the settings' base URL. */
  clientFor(apiKey: string): Promise<MiddlemanClient>;
}

/** A command of `middleman`. */
export type MiddlemanCommand<Options extends object = object> = CommandSpec<MiddlemanContext<Options>>;
