/**
 * An environment variable, in any runtime: Node and Bun (`process.env`), Deno (`Deno.env`, which
 * throws without `--allow-env`: read as unset), browsers (always unset).
 */
export function readEnv(name: string): string | undefined {
  const scope = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(name: string): string | undefined } };
  };
  try {
    const value = scope.process?.env?.[name] ?? scope.Deno?.env?.get(name);
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  } catch {
    return undefined;
  }
}
