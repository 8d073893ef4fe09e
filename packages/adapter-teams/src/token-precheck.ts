/** The algorithms botbuilder accepts for channel tokens (AuthenticationConstants.AllowedSigningAlgorithms). */
const ALLOWED_ALGORITHMS = new Set(["RS256", "RS384", "RS512"]);
/** botbuilder's clock tolerance for channel tokens. */
const SKEW_SECONDS = 5 * 60;

export interface TokenProblem {
  problem: string;
  fix: string;
}

/**
 * A look at the bearer token before botbuilder verifies it: its form (three base64url parts, JSON header
 * and claims), its algorithm, a key id, and its time window. What fails here would fail botbuilder's
 * checks too; catching it first gives the warn line a precise problem code (an expired token usually
 * means a wrong server clock) and spares botbuilder's console output, which prints a stack trace and the
 * public keys for each such token. Signature, issuer, audience and the serviceurl claim stay botbuilder's.
 */
export function tokenProblem(authorization: string, nowMs: number): TokenProblem | null {
  const token = authorization.slice("Bearer ".length);
  const parts = token.split(".");
  const malformed = { problem: "token_malformed", fix: "send the token Teams issued, unchanged" };
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return malformed;
  const header = decodePart(parts[0] as string);
  const claims = decodePart(parts[1] as string);
  if (header === null || claims === null) return malformed;
  if (typeof header.alg !== "string" || !ALLOWED_ALGORITHMS.has(header.alg))
    return { problem: "token_algorithm", fix: "Bot Framework tokens are signed with RS256" };
  if (typeof header.kid !== "string" || header.kid === "")
    return { problem: "token_no_key_id", fix: malformed.fix };
  const now = nowMs / 1000;
  if (typeof claims.exp !== "number" || claims.exp + SKEW_SECONDS < now)
    return { problem: "token_expired", fix: "check that this server's clock is synchronised (NTP)" };
  if (typeof claims.nbf === "number" && claims.nbf - SKEW_SECONDS > now)
    return { problem: "token_not_yet_valid", fix: "check that this server's clock is synchronised (NTP)" };
  return null;
}

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
