import { randomBytes } from "node:crypto";
import type pg from "pg";

const SECRET_PATTERN = /^[0-9a-f]{64}$/;

/** The name under which the key that signs visitor tokens is kept in lutin_secrets. */
export const VISITOR_SECRET_NAME = "visitor-secret";

/**
 * A 256-bit secret (64 hex characters) that every instance on the database shares: the first instance
 * to ask makes it (INSERT … ON CONFLICT DO NOTHING, so two instances starting at once still agree on
 * one), every later one reads that same value. Behind a load balancer a visitor token signed by one
 * instance must be accepted by the others, or a widget that reconnects elsewhere loses its chat.
 */
export async function sharedSecret(pool: pg.Pool, name: string): Promise<string> {
  await pool.query("INSERT INTO lutin_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
    name,
    randomBytes(32).toString("hex"),
  ]);
  const result = await pool.query<{ value: string }>("SELECT value FROM lutin_secrets WHERE name = $1", [
    name,
  ]);
  const value = result.rows[0]?.value;
  if (value === undefined || !SECRET_PATTERN.test(value))
    throw new Error(`lutin_secrets holds no valid ${name} (64 hex characters expected)`);
  return value;
}

/**
 * Keeps `value` as the shared secret `name` unless the database already has one (an install moved in:
 * its visitors' tokens stay valid). Returns "adopted", "same" (already this value) or "kept" (another
 * value was there first and stays: the install's visitors then start new chats).
 */
export async function adoptSecret(
  pool: pg.Pool,
  name: string,
  value: string,
): Promise<"adopted" | "same" | "kept"> {
  if (!SECRET_PATTERN.test(value)) throw new Error(`a ${name} must be 64 hex characters`);
  const inserted = await pool.query(
    "INSERT INTO lutin_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [name, value],
  );
  if (inserted.rowCount === 1) return "adopted";
  return (await sharedSecret(pool, name)) === value ? "same" : "kept";
}
