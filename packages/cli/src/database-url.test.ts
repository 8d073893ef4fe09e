import { LutinError } from "@lutingenie/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { databaseLocation, databaseUrlFrom, redactedDatabaseUrl } from "./database-url.js";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

describe("LUTIN_DATABASE_URL", () => {
  it("unset: the embedded store (null); a PostgreSQL URL with a host and a database: kept as given", () => {
    expect(databaseUrlFrom({})).toBeNull();
    for (const url of [
      "postgres://lutin:pw@127.0.0.1:5432/lutin",
      "postgresql://db.internal/lutin?sslmode=require",
      "postgres://lutin@[::1]:6432/lutin",
    ])
      expect(databaseUrlFrom({ LUTIN_DATABASE_URL: url })).toBe(url);
    expect(databaseLocation("postgres://u:secret@db.internal/lutin")).toBe("db.internal:5432/lutin");
    expect(redactedDatabaseUrl("postgres://u:secret@db.internal/lutin")).toBe(
      "postgres://u:***@db.internal/lutin",
    );
  });

  it("any other value is CONFIG_INVALID naming the variable and the fix, and never repeats a password", () => {
    const password = fc.stringMatching(/^[A-Za-z0-9]{12,20}$/);
    const candidate = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .tuple(
          fc.constantFrom("mysql", "http", "postgres", "postgresql", ""),
          password,
          fc.string({ maxLength: 40 }),
        )
        .map(([scheme, secret, rest]) => `${scheme}://user:${secret}@${rest}`),
    );
    fc.assert(
      fc.property(candidate, (value) => {
        let result: string | null;
        try {
          result = databaseUrlFrom({ LUTIN_DATABASE_URL: value });
        } catch (error) {
          expect(LutinError.isInstance(error, "CONFIG_INVALID")).toBe(true);
          const described = (error as LutinError).describe();
          expect(described).toMatch(/^LUTIN_DATABASE_URL /);
          expect(described).toContain("fix: set LUTIN_DATABASE_URL=postgres://");
          const secret = /:\/\/user:([A-Za-z0-9]{12,20})@/.exec(value)?.[1];
          if (secret !== undefined) expect(described).not.toContain(secret);
          return;
        }
        // Accepted: it is a postgres URL naming a host and a database, as databaseLocation reads it.
        expect(result).not.toBeNull();
        const url = new URL(result as string);
        expect(["postgres:", "postgresql:"]).toContain(url.protocol);
        expect(databaseLocation(result as string)).toMatch(/^.+:\d+\/[^/]+$/);
      }),
      { numRuns: RUNS },
    );
  });
});
