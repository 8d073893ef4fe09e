import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startThrowawayCluster } from "@lutingenie/store-postgres/testing";
import WebSocket from "ws";
import { clusterCpuMicroseconds, installPgProbe, type PgProbeCounters, pgProbeCounters } from "./pg-probe.js";
import { format, median, percentile } from "./stats.js";
import { startBareEcho, startDurableEcho } from "./web-echo-servers.js";

/**
 * The web channel over its widget WebSocket protocol (hello → message → reply → receipt → ack), each
 * server in a child process of its own so its memory is its own and the clients (this process) do not
 * share its CPU:
 * - round trips through `lutin serve` (knowledge base, counting, lowdb in a temporary data directory)
 *   against a bare express + ws server answering the same frames with no work (the baseline);
 * - 1,000 widget connections held open: server memory per connection and round-trip latency under them.
 * This file is also the child: `node --import tsx bench/web.bench.ts lutin|echo`.
 */

const KEY = "demo-shop-widget";
const QUESTIONS = [
  "What are your opening hours?",
  "How long does delivery take?",
  "Can I return an item?",
  "How do I get a refund?",
  "Do you deliver abroad?",
  "Can I pay with PayPal?",
  "Where can I find my invoice?",
  "How do I contact you?",
];

type ServerKind = "lutin" | "lutin-postgres" | "echo" | "durable-echo";
const SERVER_KINDS: readonly ServerKind[] = ["lutin", "lutin-postgres", "echo", "durable-echo"];
/** The database of the "lutin-postgres" child: the parent's throwaway cluster. */
const DATABASE_URL_VARIABLE = "LUTIN_WEB_BENCH_DATABASE_URL";

type ChildRequest = { type: "memory" } | { type: "counters" } | { type: "stop" };
type ChildReply =
  | { type: "ready"; port: number }
  | { type: "memory"; rss: number; heapUsed: number; external: number }
  | {
      type: "counters";
      cpuMicroseconds: number;
      journalGroups: number;
      journalLines: number;
      database: PgProbeCounters | null;
    };

// ── the child: one server, driven over IPC ──────────────────────────────────────

async function runChild(kind: ServerKind): Promise<void> {
  let port: number;
  let stop: () => Promise<void>;
  let dataDir: string | null = null;
  let journal: () => { groups: number; lines: number } = () => ({ groups: 0, lines: 0 });
  if (kind === "lutin" || kind === "lutin-postgres") {
    const [{ parseServerConfig, startLutinServer }, core] = await Promise.all([
      import("@lutingenie/adapter-web"),
      import("@lutingenie/core"),
    ]);
    dataDir = await mkdtemp(join(tmpdir(), "lutin-web-bench-"));
    const tenant = await core.loadTenantFile(core.DEMO_TENANT_FILE);
    tenant.settings.businessHours = undefined;
    const config = parseServerConfig(
      {
        port: 0,
        dataDir,
        adminToken: "bench-admin-token-0123456789",
        // Limits raised: the bench is one IP and a few visitors sending as fast as they can.
        limits: {
          maxMessageLength: 2_000,
          visitorMessagesPerMinute: 1_000_000,
          ipMessagesPerMinute: 1_000_000,
          ipConnectionsPerMinute: 1_000_000,
          ipOpenSockets: 10_000,
        },
      },
      tenant.agents.map((agent) => agent.id),
    );
    let openStores: import("@lutingenie/adapter-web").OpenServerStores | undefined;
    if (kind === "lutin-postgres") {
      // As `lutin serve` with LUTIN_DATABASE_URL (serve.ts): the same stores, the same default pools.
      installPgProbe();
      const { openPostgresServerStores } = await import("../packages/cli/src/postgres-server-stores.js");
      openStores = openPostgresServerStores({ url: process.env[DATABASE_URL_VARIABLE] as string });
    }
    const server = await startLutinServer({ config, tenant, ...(openStores ? { openStores } : {}) });
    port = server.port;
    stop = server.stop;
  } else if (kind === "echo") {
    ({ port, stop } = await startBareEcho());
  } else {
    dataDir = await mkdtemp(join(tmpdir(), "lutin-web-bench-echo-"));
    const echo = await startDurableEcho(dataDir);
    ({ port, stop } = echo);
    journal = () => echo.journal.statistics;
  }
  const send = (reply: ChildReply) => process.send?.(reply);
  process.on("message", async (request: ChildRequest) => {
    if (request.type === "memory") {
      // Two collections: the first may only schedule finalizers.
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      send({ type: "memory", rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    } else if (request.type === "counters") {
      const cpu = process.cpuUsage();
      const { groups, lines } = journal();
      send({
        type: "counters",
        cpuMicroseconds: cpu.user + cpu.system,
        journalGroups: groups,
        journalLines: lines,
        database: kind === "lutin-postgres" ? pgProbeCounters() : null,
      });
    } else if (request.type === "stop") {
      await stop();
      if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  send({ type: "ready", port });
}

// ── the parent: clients and measures ───────────────────────────────────────────

/** µs the server waited for connections of one pool between two readings of its counters. */
function waited(was: PgProbeCounters, is: PgProbeCounters, pool: string): number {
  return (is.checkoutWaitMicroseconds[pool] ?? 0) - (was.checkoutWaitMicroseconds[pool] ?? 0);
}

interface ServerChild {
  url: string;
  memory(): Promise<{ rss: number; heapUsed: number; external: number }>;
  /** The server process's CPU time so far (user + system) and, for the durable echo, its journal's groups. */
  counters(): Promise<Omit<Extract<ChildReply, { type: "counters" }>, "type">>;
  stop(): Promise<void>;
}

async function startChild(kind: ServerKind, databaseUrl?: string): Promise<ServerChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [kind], {
    env: databaseUrl === undefined ? process.env : { ...process.env, [DATABASE_URL_VARIABLE]: databaseUrl },
    execArgv: [
      "--conditions=source",
      "--import",
      "tsx",
      "--expose-gc",
      ...(process.env.WEB_BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/webprof"] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const nextReply = (type: ChildReply["type"]) =>
    new Promise<ChildReply>((resolve, reject) => {
      const onMessage = (reply: ChildReply) => {
        if (reply.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(reply);
      };
      const onExit = (code: number | null) => reject(new Error(`the ${kind} server exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const ready = (await nextReply("ready")) as Extract<ChildReply, { type: "ready" }>;
  return {
    url: `http://127.0.0.1:${ready.port}`,
    async memory() {
      const reply = nextReply("memory");
      child.send({ type: "memory" } satisfies ChildRequest);
      return (await reply) as Extract<ChildReply, { type: "memory" }>;
    },
    async counters() {
      const reply = nextReply("counters");
      child.send({ type: "counters" } satisfies ChildRequest);
      return (await reply) as Extract<ChildReply, { type: "counters" }>;
    },
    async stop() {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.send({ type: "stop" } satisfies ChildRequest);
      await exited;
    },
  };
}

/** A widget as the browser runs it: hello, then messages whose round trip ends at the ack. */
class BenchWidget {
  #waiting = new Map<string, (at: number) => void>();
  private constructor(
    readonly socket: WebSocket,
    readonly visitor: string,
  ) {
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; key?: string; id?: string };
      if (frame.type === "reply") socket.send(JSON.stringify({ type: "receipt", key: frame.key, ok: true }));
      else if (frame.type === "ack") {
        const done = this.#waiting.get(frame.id as string);
        this.#waiting.delete(frame.id as string);
        done?.(performance.now());
      } else if (frame.type === "error") throw new Error(`server error frame: ${data.toString()}`);
    });
  }

  static async open(url: string, visitor: string): Promise<BenchWidget> {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/ws/widget?key=${KEY}`, { origin: url });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    // A refused socket (a limit) closes before any welcome: fail the bench instead of waiting forever.
    const welcomed = new Promise<void>((resolve, reject) => {
      socket.once("message", () => resolve());
      socket.once("close", (code, reason) =>
        reject(new Error(`widget refused: ${code} ${reason.toString()}`)),
      );
    });
    // The server names the visitor; `visitor` stays the bench's label for message ids.
    socket.send(JSON.stringify({ type: "hello" }));
    await welcomed;
    return new BenchWidget(socket, visitor);
  }

  /** Milliseconds from sending the message to the ack (reply shown and receipted on the way). */
  roundTrip(id: string, text: string): Promise<number> {
    const started = performance.now();
    return new Promise((resolve) => {
      this.#waiting.set(id, (at) => resolve(at - started));
      this.socket.send(JSON.stringify({ type: "message", id, text }));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}

/** `visitors` widgets, each sending `perVisitor` messages one after the other (closed loop). */
interface RoundTripResult {
  perSecond: number;
  latencies: number[];
}

async function roundTrips(
  url: string,
  round: string,
  visitors: number,
  perVisitor: number,
): Promise<RoundTripResult> {
  const widgets = await Promise.all(
    Array.from({ length: visitors }, (_, index) => BenchWidget.open(url, `bench-${round}-${index}`)),
  );
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    widgets.map(async (widget, index) => {
      for (let sent = 0; sent < perVisitor; sent++)
        latencies.push(
          await widget.roundTrip(
            `${widget.visitor}-${sent}`,
            QUESTIONS[(index + sent) % QUESTIONS.length] as string,
          ),
        );
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(widgets.map((widget) => widget.close()));
  return { perSecond: latencies.length / seconds, latencies };
}

export async function webBenchmark(
  options: { rounds?: number; concurrency?: readonly number[]; messages?: number; held?: number } = {},
): Promise<string[]> {
  const rounds = options.rounds ?? 3;
  const concurrency = options.concurrency ?? [16, 128];
  const messages = options.messages ?? 8_192;
  const held = options.held ?? 1_000;

  // 1. Round trips: ours (lowdb, PostgreSQL) and both echoes, in turn within each round so all see the same machine noise.
  const loadBefore = loadavg()[0] ?? 0;
  const roundTripRows: string[] = [];
  const verdicts: string[] = [];
  const databaseRows: string[] = [];
  let statementShapes: string[] = [];
  // lutin serve on PostgreSQL, as production runs it: a durable cluster (fsync, synchronous commit).
  const cluster = await startThrowawayCluster({ durable: true });
  const databaseDirectory = join(cluster.directory, "data");
  const servers = {
    "bare echo": await startChild("echo"),
    "durable echo": await startChild("durable-echo"),
    "lutin serve (lowdb)": await startChild("lutin"),
    "lutin serve (PostgreSQL)": await startChild("lutin-postgres", cluster.url),
  };
  type ServerName = keyof typeof servers;
  const names = Object.keys(servers) as ServerName[];
  const POSTGRES: ServerName = "lutin serve (PostgreSQL)";
  let turnsPerFlush = 0;
  try {
    // Every server gets the same work, warm-up included: a round of 2,048 messages at the largest
    // concurrency first, so the JIT has compiled each server's hot path before anything is measured.
    const widest = Math.max(...concurrency);
    for (const name of names)
      await roundTrips(servers[name].url, "warm", widest, Math.max(1, Math.round(2_048 / widest)));
    for (const visitors of concurrency) {
      const perVisitor = Math.max(1, Math.round(messages / visitors));
      const results = new Map<ServerName, Array<RoundTripResult & { cpuPerTurn: number }>>(
        names.map((name) => [name, []]),
      );
      const database: Array<{
        cpu: number;
        roundTrips: number;
        inQueries: number;
        storeWait: number;
        turnWait: number;
      }> = [];
      let shapes: Record<string, number> = {};
      let shapeTurns = 0;
      for (let round = 0; round < rounds; round++) {
        process.stderr.write(`  web: round trips, ${visitors} widgets, round ${round + 1}/${rounds}…\n`);
        for (const name of names) {
          const server = servers[name];
          const databaseBefore = name === POSTGRES ? clusterCpuMicroseconds(databaseDirectory) : 0;
          const before = await server.counters();
          const result = await roundTrips(server.url, `c${visitors}r${round}`, visitors, perVisitor);
          const after = await server.counters();
          const turns = result.latencies.length;
          if (name === POSTGRES && before.database !== null && after.database !== null) {
            const [was, is] = [before.database, after.database];
            database.push({
              cpu: (clusterCpuMicroseconds(databaseDirectory) - databaseBefore) / turns,
              roundTrips: (is.roundTrips - was.roundTrips) / turns,
              inQueries: (is.roundTripMicroseconds - was.roundTripMicroseconds) / turns,
              // "lutingenie": the store's pool (store, thread memory, conversation log); "lutingenie-turns": the
              // turn lock's pool, one connection held for each turn's length.
              storeWait: waited(was, is, "lutingenie") / turns,
              turnWait: waited(was, is, "lutingenie-turns") / turns,
            });
            shapes = Object.fromEntries(
              Object.entries(is.byShape).map(([shape, count]) => [
                shape,
                (shapes[shape] ?? 0) + count - (was.byShape[shape] ?? 0),
              ]),
            );
            shapeTurns += turns;
          }
          results
            .get(name)
            ?.push({ ...result, cpuPerTurn: (after.cpuMicroseconds - before.cpuMicroseconds) / turns });
          if (name === "durable echo" && visitors === concurrency.at(-1))
            turnsPerFlush =
              (after.journalLines - before.journalLines) / (after.journalGroups - before.journalGroups);
        }
      }
      const runs = (name: ServerName) => results.get(name) ?? [];
      const rate = (name: ServerName) => median(runs(name).map((run) => run.perSecond));
      const p = (name: ServerName, fraction: number) =>
        median(runs(name).map((run) => percentile(run.latencies, fraction)));
      // Ratios of each round's own rates (same noise), then their median.
      const ratio = (name: ServerName, baseline: ServerName) =>
        median(
          runs(name).map((run, index) => run.perSecond / ((runs(baseline)[index]?.perSecond as number) || 1)),
        );
      for (const name of names)
        roundTripRows.push(
          `| ${visitors} | ${name} | ${format(rate(name))} | ${format(p(name, 0.5), 1)} / ${format(p(name, 0.99), 1)} | ${format(median(runs(name).map((run) => run.cpuPerTurn)))} | ${format(ratio(name, "durable echo") * 100, 1)} % | ${format(ratio(name, "bare echo") * 100, 1)} % |`,
        );
      const middle = (pick: (run: (typeof database)[number]) => number) => median(database.map(pick));
      databaseRows.push(
        `| ${visitors} | ${format(middle((run) => run.cpu))} | ${format(
          middle((run) => run.roundTrips),
          1,
        )} | ${format(middle((run) => run.inQueries))} | ${format(middle((run) => run.storeWait))} | ${format(middle((run) => run.turnWait))} |`,
      );
      if (visitors === concurrency.at(-1))
        statementShapes = Object.entries(shapes)
          .filter(([, count]) => count / shapeTurns >= 0.01) // not the start-up's one-off statements
          .sort(([, a], [, b]) => b - a)
          .map(([shape, count]) => `\`${shape}\` ${format(count / shapeTurns, 2)}`);
      if (visitors === concurrency.at(-1))
        for (const name of names.filter((candidate) => candidate.startsWith("lutin"))) {
          const share = ratio(name, "durable echo");
          const p99 = p(name, 0.99);
          verdicts.push(
            `Target (issue 16) at ${visitors} widgets, ${name}: ≥ 35 % of the durable echo and p99 < 100 ms: ${format(share * 100, 1)} %, ${format(p99, 1)} ms → ${share >= 0.35 && p99 < 100 ? "met" : "not met"}.`,
          );
        }
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await cluster.stop();
  }

  const loadAfter = loadavg()[0] ?? 0;

  // 2. Held connections, on a fresh server (warmed by a few round trips) so "before" is not inflated
  // by the heap the round-trip runs left behind.
  const fresh = await startChild("lutin");
  let heldRow: string;
  try {
    await roundTrips(fresh.url, "warm", 16, 10);
    process.stderr.write(`  web: opening ${held} widget connections…\n`);
    const before = await fresh.memory();
    const idle: BenchWidget[] = [];
    for (let batch = 0; batch < held; batch += 100)
      idle.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, held - batch) }, (_, index) =>
            BenchWidget.open(fresh.url, `held-${batch + index}`),
          ),
        )),
      );
    const after = await fresh.memory();
    // Under load: 100 of the held widgets ask 10 questions each, the others stay connected.
    const underLoad: { perSecond: number; latencies: number[] }[] = [];
    for (let round = 0; round < rounds; round++) {
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        idle.slice(round * 100, round * 100 + 100).map(async (widget, index) => {
          for (let sent = 0; sent < 10; sent++)
            latencies.push(
              await widget.roundTrip(
                `${widget.visitor}-${sent}`,
                QUESTIONS[(index + sent) % QUESTIONS.length] as string,
              ),
            );
        }),
      );
      underLoad.push({ perSecond: latencies.length / ((performance.now() - started) / 1000), latencies });
    }
    await Promise.all(idle.map((widget) => widget.close()));
    const perConnection = (value: (memory: typeof before) => number) =>
      (value(after) - value(before)) / held / 1024;
    heldRow = `| ${format(held)} | ${format(before.rss / 1_048_576)} → ${format(after.rss / 1_048_576)} | ${format(
      perConnection((memory) => memory.rss),
      1,
    )} | ${format(
      perConnection((memory) => memory.heapUsed + memory.external),
      1,
    )} | ${format(median(underLoad.map((run) => run.perSecond)))} | ${format(median(underLoad.map((run) => percentile(run.latencies, 0.5))), 1)} / ${format(median(underLoad.map((run) => percentile(run.latencies, 0.99))), 1)} |`;
  } finally {
    await fresh.stop();
  }

  return [
    "## Web channel: widget WebSocket round trips and held connections",
    "",
    `A round trip is one widget message until its ack: message → assistant reply → receipt → ack. Each server runs in its own process, the widgets in this one; each widget sends its next message when the previous one is acked (closed loop), about ${format(messages)} messages per round for every server (the same widgets, the same messages per widget), after a warm-up round of 2,048 messages each; median of ${rounds} rounds, the four servers in turn within each round. Two baselines, same run: the bare echo (express + ws answering the same frames, no work) and the durable echo (the same, but each message and its reply are journaled to a file, one fdatasync per group of pending turns, before the reply goes out; ${format(turnsPerFlush, 1)} turns per fdatasync at ${concurrency.at(-1)} widgets). lutin serve: knowledge base, the four enchantments, counting, lowdb with group commit and fdatasync, or PostgreSQL (below). Server CPU: the server process's user + system time over the round, divided by its turns. Ratios: each round's rate over the baseline's in the same round, median of rounds.`,
    "",
    "| widgets | server | round trips/s | p50 / p99 ms | server CPU µs / turn | vs. durable echo | vs. bare echo |",
    "|---:|---|---:|---:|---:|---:|---:|",
    ...roundTripRows,
    "",
    ...verdicts,
    `Load average when the run started: ${format(loadBefore, 1)}, at the end of the round trips: ${format(loadAfter, 1)} (the machine is shared with other work: it lowers every server's figures; compare within a run).`,
    "",
    `lutin serve (PostgreSQL): the same server with the stores \`lutin serve\` opens for LUTIN_DATABASE_URL (store, thread memory, escalation store, desk feed, conversation log, the turn lock across instances; default pools: 10 connections for the store, 32 for turns) on a throwaway cluster on this machine with fsync and synchronous commit on. Its server CPU column is the Node process only; the database's CPU (postmaster and every backend and helper process, from /proc, 10 ms ticks) is below, with the server's round trips to the database per turn (each \`query\` call, whatever statements its text holds), their summed wall time per turn (they overlap across connections) and the summed wait for a connection per turn, from the store's pool (10) and from the turns' pool (32, one connection held for a turn's length: at more widgets than 32 this wait is the turns queueing for the turn lock's connections).`,
    "",
    "| widgets | database CPU µs / turn | round trips to the database / turn | time in round trips µs / turn | store pool wait µs / turn | turns pool wait µs / turn |",
    "|---:|---:|---:|---:|---:|---:|",
    ...databaseRows,
    "",
    `Round trips per turn by statement, at ${concurrency.at(-1)} widgets: ${statementShapes.join(", ")}.`,
    "",
    `Held connections: ${format(held)} widgets connected and welcomed on a fresh server; its memory after two GCs, before and after. Then, all still connected, 100 of them ask 10 questions each (median of ${rounds} rounds, a different 100 each round).`,
    "",
    "| connections | server RSS MB | RSS KB / connection | heap + external KB / connection | round trips/s under load | p50 / p99 ms |",
    "|---:|---:|---:|---:|---:|---:|",
    heldRow,
  ];
}

const kind = process.argv[2] as ServerKind;
if (process.argv[1] === fileURLToPath(import.meta.url) && SERVER_KINDS.includes(kind)) await runChild(kind);
