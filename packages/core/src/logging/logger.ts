/**
 * Core's logging seam. Fields are structured so that nothing is logged by accident: callers pass ids,
 * codes and counts, never message texts or secrets (README "Errors and logs").
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** One JSON line per entry on stderr, for servers and the CLI's `--verbose`. */
export function createJsonLinesLogger(
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    write(`${JSON.stringify({ at: new Date().toISOString(), level, message, ...fields })}\n`);
  };
  return { info: entry("info"), warn: entry("warn"), error: entry("error") };
}

/** What of an error may be logged: its code and message, never its details (they may hold user input). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: error.name, ...(typeof code === "string" ? { code } : {}), reason: error.message };
  }
  return { error: typeof error };
}
