import { LutinError } from "@lutingenie/core";

/** SQLSTATEs worth trying again: the transaction lost a race, nothing of it was kept. */
export const RETRYABLE_STATES: ReadonlySet<string> = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
]);

/** The SQLSTATE of a server error, or the Node error code (ECONNREFUSED, ...) of a connection error. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

export function isRetryable(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && RETRYABLE_STATES.has(code);
}

/**
 * Whether the error says the server is unreachable or went away, rather than refusing one statement:
 * Node's socket errors, the driver's own connection errors, and SQLSTATE classes 08 (connection
 * exception) and 57P (operator intervention: shutdown, crash, "cannot connect now").
 */
export function isConnectionProblem(error: unknown): boolean {
  const code = errorCodeOf(error);
  if (code !== undefined) {
    if (/^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)/.test(code)) return true;
    if (code.startsWith("08") || code.startsWith("57P")) return true;
  }
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

function causeOf(error: unknown): string {
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

const UNREACHABLE_HINT =
  "check that the PostgreSQL server runs and that LUTIN_DATABASE_URL (or the store's connectionString) points at it: host, port, database, user and password";

/**
 * A failed operation of the PostgreSQL store as core's coded error: a write is STORE_WRITE_FAILED (nothing
 * of it was kept, unless the connection dropped during COMMIT: then retrying the event is still safe, its
 * idempotency key makes a landed first attempt a duplicate, C11), a read STORE_UNAVAILABLE.
 */
export function storeFailure(
  operation: string,
  kind: "read" | "write",
  where: string,
  error: unknown,
): LutinError {
  if (LutinError.isInstance(error)) return error;
  const code = errorCodeOf(error);
  const unreachable = isConnectionProblem(error);
  const problem = `${operation} on PostgreSQL at ${where} failed: ${causeOf(error)}`;
  const hint = unreachable
    ? UNREACHABLE_HINT
    : code === "42P01" || code === "42703"
      ? "the schema is missing or older than this code: let the store migrate at open (the default) or run `lutin migrate`"
      : "see PostgreSQL's own message above and the server's log";
  if (kind === "write") {
    return new LutinError("STORE_WRITE_FAILED", problem, {
      hint: `${hint}; nothing of this write was kept (if the connection dropped while committing it may have landed: retrying the same event is safe, C11), retry once fixed`,
      cause: error,
      details: { code, where },
    });
  }
  return new LutinError("STORE_UNAVAILABLE", problem, { hint, cause: error, details: { code, where } });
}
