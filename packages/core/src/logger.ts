/** What a client logs to: `console`, pino, winston and most loggers fit. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Least severe level that is still logged. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

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
  const emit =
    (method: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (!logger || ORDER[method] < ORDER[level]) return;
      logger[method](redactText(message), fields && redactFields(fields));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
