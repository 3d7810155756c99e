import { type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from 'undici';
import { ConfigError } from './errors.js';
import { readEnv } from './read-env.js';
import { registerSecret } from './redact.js';

/** `fetchOptions` that send every request of a client through a proxy (Node only: an undici dispatcher). */
export type ProxyFetchOptions = {
  dispatcher: Dispatcher;
};

const setting = (env: Record<string, string | undefined> | undefined, name: string): string | undefined => {
  // curl's order: the lower-case name first.
  const read = (key: string) => (env ? env[key]?.trim() || undefined : readEnv(key));
  return read(name.toLowerCase()) ?? read(name);
};

/**
 * `fetchOptions` for the proxy the environment names, as curl reads it: `HTTPS_PROXY` for https
 * URLs, `HTTP_PROXY` for http ones (and for https when `HTTPS_PROXY` is unset), and no proxy for
 * the hosts in `NO_PROXY` (`*`, `host`, `.domain`, `host:port`, comma or space separated). Lower-case
 * names win. `undefined` when neither proxy variable is set. Node only (`@trainwire/core/proxy`).
 */
export function proxyFromEnv(env?: Record<string, string | undefined>): ProxyFetchOptions | undefined {
  const httpProxy = setting(env, 'HTTP_PROXY');
  const httpsProxy = setting(env, 'HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  for (const url of [httpProxy, httpsProxy]) if (url) checkProxyURL(url);
  return { dispatcher: new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: setting(env, 'NO_PROXY') ?? '' }) };
}

/** `fetchOptions` for one proxy, e.g. `http://user:pass@proxy.internal:3128` (its credentials go only to the proxy). Node only. */
export function proxyAgent(url: string): ProxyFetchOptions {
  checkProxyURL(url);
  return { dispatcher: new ProxyAgent(url) };
}

/** A proxy URL must parse; its password is registered so logs and errors never show it. */
function checkProxyURL(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('The proxy URL is not a valid URL (check HTTP_PROXY / HTTPS_PROXY).');
  }
  if (url.password) {
    registerSecret(url.password);
    registerSecret(decodeURIComponent(url.password));
  }
}
