import type { CommandContext, CommandSpec } from '@trainwire/cli-kit';
import type { SyvainMetricsApiClient } from '../metrics/syvain-metrics-client.js';
import type { RunicornClient } from '../runicorn/runicorn-client.js';

/** The global options of `trainwire-metrics` besides the common ones (commander's camelCase names). */
export interface MetricsGlobalOptions {
  apiKey?: string;
  host?: string;
  viewer?: string;
}

/** What a `trainwire-metrics` command's handler gets. */
export interface MetricsContext<Options extends object = object> extends CommandContext<Options & MetricsGlobalOptions> {
  /** The Syvain client: `--api-key`, else SYVAIN_METRICS_API_KEY, else the Syvain CLI's `local` auth file. */
  syvain(apiKey?: string): SyvainMetricsApiClient;
  /** The Runicorn viewer's client: `--viewer`, else RUNICORN_BASE_URL, else http://127.0.0.1:23300. */
  runicorn(): RunicornClient;
  /** The Syvain CLI's auth file: `~/.config/syvain-metrics/auth.json`. */
  authFile: string;
}

/** A command of `trainwire-metrics`. */
export type MetricsCommand<Options extends object = object> = CommandSpec<MetricsContext<Options>>;
