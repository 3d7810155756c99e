/** What a client logs to: `console`, pino, winston and most loggers fit. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Least severe level that is still logged. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** What a level below the threshold logs to; callers compare against it to skip building fields. */
export const SILENT = (): void => {};

/**
 * A logger that drops messages below `level`. Every message and field passes through `redact`
 * before it reaches `logger`, so a log line never holds a credential.
 */
export function createLevelLogger(
  logger: Logger | undefined,
  level: LogLevel,
  redactFields: (fields: Record<string, unknown>) => Record<string, unknown>,
  redactText: (text: string) => string,
): Logger {
  // An unknown level logs everything, like `debug`.
  const threshold = level === 'off' ? 4 : Math.max(0, LEVELS.indexOf(level));
  const result = {} as Logger;
  LEVELS.forEach((method, index) => {
    result[method] =
      logger && index >= threshold ? (message, fields) => logger[method](redactText(message), fields && redactFields(fields)) : SILENT;
  });
  return result;
}
