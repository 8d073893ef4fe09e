/**
 * One error type for the whole platform. `code` is stable (scripts and adapters switch on it);
 * `hint` tells the reader how to fix the problem. `isInstance` checks a brand instead of the
 * prototype so that two copies of this package (a plugin bundling its own) still recognise each other.
 */
const BRAND = Symbol.for("lutingenie.error");

export type LutinErrorCode =
  | "CONFIG_INVALID"
  | "QUOTA_CONFIG_INVALID"
  | "EVENT_INVALID"
  | "EVENT_TOO_LATE"
  | "TRANSCRIPT_INVALID"
  | "TENANT_UNKNOWN"
  | "PLAN_UNKNOWN"
  | "LEDGER_ENTRY_EXISTS"
  /** C12: another process committed to the thread since it was read (ThreadCommit.expected): read it again. */
  | "THREAD_CHANGED"
  | "STORE_LOCKED"
  | "STORE_CORRUPT"
  | "STORE_WRITE_FAILED"
  | "STORE_CLOSED"
  /** The store's server could not be reached or answered a read with an error (PostgreSQL store). */
  | "STORE_UNAVAILABLE"
  /** The database's schema is newer than this code knows (PostgreSQL store): run the newer LutinGénie. */
  | "STORE_SCHEMA_TOO_NEW"
  | "KNOWLEDGE_BASE_INVALID"
  | "RESPONDER_FAILED"
  | "RESPONDER_TIMEOUT"
  | "LLM_CONFIG_INVALID"
  | "ENCHANTMENT_INVALID"
  | "ENCHANTMENT_FAILED"
  | "ADAPTER_CONFIG_INVALID"
  | "ADAPTER_AUTH_FAILED"
  | "ADAPTER_PAYLOAD_INVALID"
  | "DELIVERY_FAILED"
  | "MESSAGE_TOO_LONG"
  | "TRANSLATION_MISSING";

export interface LutinErrorOptions {
  hint?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class LutinError extends Error {
  readonly code: LutinErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly [BRAND] = true;

  constructor(code: LutinErrorCode, message: string, options: LutinErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LutinError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  static isInstance(value: unknown, code?: LutinErrorCode): value is LutinError {
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    return code === undefined || (value as LutinError).code === code;
  }

  /** Message and hint together, the way a person should read it. */
  describe(): string {
    return this.hint ? `${this.message}\n  fix: ${this.hint}` : this.message;
  }
}
