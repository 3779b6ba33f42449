/** The slice of a pino logger the sync loops use (pino's `logger.info(object, message)` shape). */
export interface SyncLog {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentSyncLog: SyncLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Error fields for a log line: code and message, never a stack with secrets in it. */
export function errorDetails(error: unknown): { code?: string; error: string } {
  const code = (error as { code?: unknown }).code;
  return { ...(typeof code === 'string' ? { code } : {}), error: error instanceof Error ? error.message : String(error) };
}
