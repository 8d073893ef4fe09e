import { LutinError } from "@lutingenie/core";
import { z } from "zod";

/** The one variable that puts `lutin serve` and `lutin migrate` on PostgreSQL. */
export const DATABASE_URL_VARIABLE = "LUTIN_DATABASE_URL";

const EXAMPLE = "postgres://lutin:password@127.0.0.1:5432/lutin";

/** What is wrong with a URL that parsed, or null: each check needs the one before it. */
function urlProblem(value: string): string | null {
  if (!URL.canParse(value)) return "is not a URL";
  const url = new URL(value);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
    return "does not start with postgres:// (or postgresql://)";
  if (url.hostname === "") return "names no host";
  if (!/^\/[^/]+$/.test(url.pathname)) return "names no database (the path after the host)";
  return null;
}

const databaseUrlSchema = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(2_048, "is longer than 2,048 characters")
  .superRefine((value, context) => {
    const problem = urlProblem(value);
    if (problem !== null) context.addIssue({ code: "custom", message: problem });
  });

/** The URL without its password, for messages and the start line. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}

/** host:port/database: where the data is, as the start line says it (never the user or the password). */
export function databaseLocation(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

/**
 * LUTIN_DATABASE_URL, checked: null when it is not set (the embedded store then), the URL when it is a
 * PostgreSQL URL naming a host and a database; CONFIG_INVALID naming the variable, the problem and the
 * fix otherwise. The value is never echoed whole (it may hold the password).
 */
export function databaseUrlFrom(environment: NodeJS.ProcessEnv): string | null {
  const value = environment[DATABASE_URL_VARIABLE];
  if (value === undefined) return null;
  const parsed = databaseUrlSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]?.message ?? "is not valid";
  throw new LutinError("CONFIG_INVALID", `${DATABASE_URL_VARIABLE} ${problem}`, {
    hint: `set ${DATABASE_URL_VARIABLE}=${EXAMPLE} (user, password, host, port, database), or unset it to keep the embedded store in LUTIN_DATA_DIR`,
    details: { variable: DATABASE_URL_VARIABLE },
  });
}
