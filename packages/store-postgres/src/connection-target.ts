import type pg from "pg";

/** host:port/database of a connection string or a pool, never the user or the password: for error messages. */
export function connectionTarget(connectionString: string | undefined, pool: pg.Pool | undefined): string {
  const given = connectionString ?? pool?.options.connectionString;
  if (given !== undefined) {
    try {
      const url = new URL(given);
      return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname}`;
    } catch {
      return "the configured server (the connection string is not a URL)";
    }
  }
  const options = pool?.options;
  return `${options?.host ?? "localhost"}:${options?.port ?? 5432}/${options?.database ?? ""}`;
}
