import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

/**
 * Bench instrumentation for `lutin serve` on PostgreSQL, installed in the bench's server child only
 * (never in the product): every round trip a pg client makes (one `query` call, whatever statements
 * its text holds) and how long it took, grouped by the statement's first words; every pool checkout
 * and how long it waited for a free connection. Reads only SQL texts, never their parameters.
 */
export interface PgProbeCounters {
  roundTrips: number;
  /** Summed wall time of the round trips, µs (they overlap across connections). */
  roundTripMicroseconds: number;
  /** Summed wait from `pool.connect()` to a connection, µs, per pool (its application_name). */
  checkoutWaitMicroseconds: Record<string, number>;
  /** Round trips per statement shape (its first words). */
  byShape: Record<string, number>;
}

const counters: PgProbeCounters = {
  roundTrips: 0,
  roundTripMicroseconds: 0,
  checkoutWaitMicroseconds: {},
  byShape: {},
};

/** "SELECT lutin_commit_thread($1, …)" → "SELECT lutin_commit_thread": enough to tell the statements apart. */
function shapeOf(config: unknown): string {
  const text = typeof config === "string" ? config : (config as { text?: unknown } | null)?.text;
  if (typeof text !== "string") return "(other)";
  return text.replace(/\s+/g, " ").trim().split(/[ (]/).slice(0, 3).join(" ").slice(0, 60);
}

type Callback = (...args: unknown[]) => void;

/** Wraps the last function argument (pg's callback form) or the returned promise, to time the call. */
function timed(args: unknown[], call: (args: unknown[]) => unknown, done: (microseconds: number) => void) {
  const started = performance.now();
  const finish = () => done((performance.now() - started) * 1000);
  const last = args.length - 1;
  if (typeof args[last] === "function") {
    const callback = args[last] as Callback;
    const wrapped = [...args];
    wrapped[last] = (...results: unknown[]) => {
      finish();
      callback(...results);
    };
    return call(wrapped);
  }
  const result = call(args);
  if (result instanceof Promise) result.then(finish, finish);
  return result;
}

let installed = false;

export function installPgProbe(): void {
  if (installed) return;
  installed = true;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const shape = shapeOf(args[0]);
    return timed(
      args,
      (actual) => query.apply(this, actual),
      (microseconds) => {
        counters.roundTrips += 1;
        counters.roundTripMicroseconds += microseconds;
        counters.byShape[shape] = (counters.byShape[shape] ?? 0) + 1;
      },
    );
  } as typeof pg.Client.prototype.query;
  const connect = pg.Pool.prototype.connect as (...args: unknown[]) => unknown;
  pg.Pool.prototype.connect = function (this: pg.Pool, ...args: unknown[]) {
    const pool = String((this.options as { application_name?: string }).application_name ?? "store");
    return timed(
      args,
      (actual) => connect.apply(this, actual),
      (microseconds) => {
        counters.checkoutWaitMicroseconds[pool] =
          (counters.checkoutWaitMicroseconds[pool] ?? 0) + microseconds;
      },
    );
  } as typeof pg.Pool.prototype.connect;
}

export function pgProbeCounters(): PgProbeCounters {
  return {
    ...counters,
    byShape: { ...counters.byShape },
    checkoutWaitMicroseconds: { ...counters.checkoutWaitMicroseconds },
  };
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, µs) of a PostgreSQL cluster: its postmaster (with its reaped children) and
 * every live child process (backends, WAL writer, checkpointer…), read from /proc. Linux only; 0 elsewhere.
 */
export function clusterCpuMicroseconds(dataDirectory: string): number {
  try {
    const postmaster = Number(readFileSync(join(dataDirectory, "postmaster.pid"), "utf8").split("\n")[0]);
    let ticks = 0;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited since the listing
      }
      // Fields after the command's closing parenthesis: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      if (pid !== postmaster && ppid !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      if (pid === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
    }
    return (ticks / TICKS_PER_SECOND) * 1_000_000;
  } catch {
    return 0;
  }
}
