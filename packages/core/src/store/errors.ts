import { LutinError } from "../errors.js";
import { jsonSyntaxProblem } from "../util/json-syntax-problem.js";

/** The OS error code (ENOSPC, EACCES, ...) of a failed fs call, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function storeClosed(what: string): LutinError {
  return new LutinError("STORE_CLOSED", `the ${what} is closed`, {
    hint: "open a new store; a closed one cannot be used again",
  });
}

const WRITE_HINTS: Record<string, string> = {
  ENOSPC: "free disk space on the volume of the data directory",
  EDQUOT: "free disk space or raise the disk quota of the user running LutinGénie",
  EACCES: "give the user running LutinGénie write permission on the data directory",
  EPERM: "give the user running LutinGénie write permission on the data directory",
  EROFS: "the volume is read-only: remount it read-write or set LUTIN_DATA_DIR to a writable directory",
  EIO: "the disk reported an I/O error: check its health, then restart",
};

export function storeWriteFailed(file: string, error: unknown): LutinError {
  const code = errorCode(error);
  return new LutinError("STORE_WRITE_FAILED", `could not write ${file}: ${describeCause(error)}`, {
    hint: `${(code !== undefined && WRITE_HINTS[code]) || "check the data directory's disk space and permissions"}; nothing of this write was kept, retry once fixed`,
    cause: error,
    details: { file, code },
  });
}

export function storeCorrupt(file: string, problem: string, cause?: unknown, hint?: string): LutinError {
  return new LutinError("STORE_CORRUPT", `the data file ${file} is unreadable: ${problem}`, {
    hint:
      hint ??
      `restore ${file} from a backup; or, to start with an empty store and lose what it holds, move it aside (e.g. rename it to ${file}.corrupt)`,
    cause,
    details: { file },
  });
}

/** JSON.parse for the store's own files: a file that is not JSON is STORE_CORRUPT, naming the file. */
export function parseStoreJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw storeCorrupt(file, `not valid JSON (${jsonSyntaxProblem(error)})`, error);
  }
}
