import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where Debian (and Ubuntu) put each installed major version's server binaries. */
export const DEBIAN_POSTGRES_ROOT = "/usr/lib/postgresql";

/**
 * The directory of PostgreSQL's server binaries (initdb, pg_ctl, postgres): `LUTIN_POSTGRES_BIN` when set,
 * else the newest version under /usr/lib/postgresql. Throws naming the fix when there is none.
 */
export function findPostgresBinaries(environment: NodeJS.ProcessEnv = process.env): string {
  const configured = environment.LUTIN_POSTGRES_BIN;
  if (configured !== undefined && configured !== "") {
    if (!existsSync(join(configured, "initdb"))) {
      throw new Error(
        `LUTIN_POSTGRES_BIN=${configured} holds no initdb: point it at PostgreSQL's server binaries (the directory of initdb and pg_ctl)`,
      );
    }
    return configured;
  }
  const versions = existsSync(DEBIAN_POSTGRES_ROOT)
    ? readdirSync(DEBIAN_POSTGRES_ROOT)
        .filter(
          (name) =>
            /^\d+(\.\d+)?$/.test(name) && existsSync(join(DEBIAN_POSTGRES_ROOT, name, "bin", "initdb")),
        )
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL's server binaries were not found under ${DEBIAN_POSTGRES_ROOT}/<version>/bin: run 'bash scripts/ensure-postgres.sh' (installs Debian's postgresql as root), set LUTIN_POSTGRES_BIN to the directory of initdb and pg_ctl, or set LUTIN_TEST_DATABASE_URL to a server the tests may create databases on`,
    );
  }
  return join(DEBIAN_POSTGRES_ROOT, newest, "bin");
}
