import { execFile } from "node:child_process";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findPostgresBinaries } from "./postgres-binaries.js";

const run = promisify(execFile);

/** The superuser of a throwaway cluster; it trusts connections from 127.0.0.1 only, so it needs no password. */
export const THROWAWAY_SUPERUSER = "lutin";

export interface ThrowawayClusterOptions {
  /**
   * Keep PostgreSQL's durability (fsync, synchronous commit), for benchmarks that must pay for it. Tests
   * leave it off: the cluster is thrown away, and what they check (transactions, locks, constraints)
   * does not depend on the disk.
   */
  durable?: boolean;
  /** Directory of initdb and pg_ctl (default: findPostgresBinaries()). */
  binaries?: string;
}

export interface ThrowawayCluster {
  /** Connection string of the `postgres` database, as the superuser. */
  readonly url: string;
  readonly port: number;
  readonly directory: string;
  /** Stops the server (fast shutdown) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server without removing anything (for tests of a server going away); `start` brings it back. */
  halt(): Promise<void>;
  start(): Promise<void>;
}

interface RunAs {
  /** Prefix that runs a command as the cluster's owner (empty when we are not root). */
  prefix: string[];
  uid: number;
  gid: number;
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` user (Debian's package creates it). */
async function ownerOf(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  for (const user of ["postgres", "nobody"]) {
    try {
      const uid = Number((await run("id", ["-u", user])).stdout.trim());
      const gid = Number((await run("id", ["-g", user])).stdout.trim());
      if (uid !== 0) return { prefix: ["runuser", "-u", user, "--"], uid, gid };
    } catch {
      // No such user: try the next one.
    }
  }
  throw new Error(
    "running as root and there is neither a `postgres` nor a `nobody` user to own the test cluster (initdb refuses root): install Debian's postgresql (it creates `postgres`), or set LUTIN_TEST_DATABASE_URL",
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL cluster of its own in a temporary directory: initdb as a non-root user, a free port
 * on 127.0.0.1 only, its unix socket inside the directory (nothing else on the machine sees it).
 */
export async function startThrowawayCluster(
  options: ThrowawayClusterOptions = {},
): Promise<ThrowawayCluster> {
  const binaries = options.binaries ?? findPostgresBinaries();
  const owner = await ownerOf();
  const directory = await mkdtemp(join(tmpdir(), "lutin-postgres-"));
  const data = join(directory, "data");
  const command = async (program: string, args: string[]) => {
    const full = [...(owner?.prefix ?? []), join(binaries, program), ...args];
    return run(full[0] as string, full.slice(1), { maxBuffer: 16 * 1024 * 1024 });
  };
  try {
    if (owner !== null) await chown(directory, owner.uid, owner.gid);
    await command("initdb", [
      "--pgdata",
      data,
      "--username",
      THROWAWAY_SUPERUSER,
      "--auth",
      "trust",
      "--encoding",
      "UTF8",
      "--no-locale",
      "--no-sync",
    ]);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`initdb failed for the test cluster in ${directory}: ${describe(error)}`, {
      cause: error,
    });
  }

  const settings = [
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${directory}'`,
    // Several pools per test file ("processes") and test files in parallel, each with its own database.
    "max_connections = 300",
    ...(options.durable === true
      ? []
      : ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]),
  ];
  let port = 0;
  const start = async () => {
    await command("pg_ctl", [
      "--pgdata",
      data,
      "--log",
      join(directory, "server.log"),
      "--wait",
      "--timeout",
      "60",
      "-o",
      `-p ${port}`,
      "start",
    ]);
  };
  let started = false;
  for (let attempt = 0; attempt < 3 && !started; attempt++) {
    port = await freePort();
    // The port in the configuration too, so that pg_ctl's readiness check looks at the right one.
    const config = [...settings, `port = ${port}`].join("\n");
    await writeFile(join(data, "postgresql.auto.conf"), `${config}\n`);
    try {
      await start();
      started = true;
    } catch (error) {
      // Another process may have taken the port between our probe and the server's bind: try another.
      if (attempt === 2) {
        await rm(directory, { recursive: true, force: true });
        throw new Error(`the test cluster did not start: ${describe(error)}`, { cause: error });
      }
    }
  }

  let stopped = false;
  let running = true;
  const halt = async () => {
    if (!running) return;
    await command("pg_ctl", ["--pgdata", data, "--mode", "fast", "--wait", "stop"]);
    running = false;
  };
  return {
    url: `postgres://${THROWAWAY_SUPERUSER}@127.0.0.1:${port}/postgres`,
    port,
    directory,
    halt,
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await halt();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

function describe(error: unknown): string {
  if (typeof error === "object" && error !== null && "stderr" in error) {
    const stderr = String((error as { stderr: unknown }).stderr).trim();
    if (stderr !== "") return stderr;
  }
  return error instanceof Error ? error.message : String(error);
}
