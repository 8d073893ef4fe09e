import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import WebSocket, { WebSocketServer } from "ws";
import { format, median, percentile } from "./stats.js";

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

type ChildRequest = { type: "memory" } | { type: "stop" };
type ChildReply =
  | { type: "ready"; port: number }
  | { type: "memory"; rss: number; heapUsed: number; external: number };

// ── the child: one server, driven over IPC ──────────────────────────────────────

async function runChild(kind: "lutin" | "echo"): Promise<void> {
  let port: number;
  let stop: () => Promise<void>;
  let dataDir: string | null = null;
  if (kind === "lutin") {
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
        },
      },
      tenant.agents.map((agent) => agent.id),
    );
    const server = await startLutinServer({ config, tenant });
    port = server.port;
    stop = server.stop;
  } else {
    // The baseline: the same frames, no work. A message gets a reply; the receipt gets the ack.
    const app = express();
    const http = createServer(app);
    const sockets = new WebSocketServer({ noServer: true });
    http.on("upgrade", (request, socket, head) =>
      sockets.handleUpgrade(request, socket, head, (client) => {
        const pending = new Map<string, string>();
        client.on("message", (data) => {
          const frame = JSON.parse(data.toString()) as {
            type: string;
            id?: string;
            key?: string;
            text?: string;
          };
          if (frame.type === "hello")
            client.send(JSON.stringify({ type: "welcome", visitor: "v", maxMessageLength: 2000 }));
          else if (frame.type === "message") {
            const key = `reply:${frame.id}`;
            pending.set(key, frame.id as string);
            client.send(
              JSON.stringify({ type: "reply", key, text: frame.text, direction: "ltr", author: "assistant" }),
            );
          } else if (frame.type === "receipt") {
            const id = pending.get(frame.key as string);
            pending.delete(frame.key as string);
            client.send(JSON.stringify({ type: "ack", id, status: "answered" }));
          }
        });
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    port = (http.address() as AddressInfo).port;
    stop = async () => {
      for (const client of sockets.clients) client.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    };
  }
  const send = (reply: ChildReply) => process.send?.(reply);
  process.on("message", async (request: ChildRequest) => {
    if (request.type === "memory") {
      // Two collections: the first may only schedule finalizers.
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      send({ type: "memory", rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    } else if (request.type === "stop") {
      await stop();
      if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  send({ type: "ready", port });
}

// ── the parent: clients and measures ───────────────────────────────────────────

interface ServerChild {
  url: string;
  memory(): Promise<{ rss: number; heapUsed: number; external: number }>;
  stop(): Promise<void>;
}

async function startChild(kind: "lutin" | "echo"): Promise<ServerChild> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [kind], {
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
    const welcomed = new Promise<void>((resolve) => socket.once("message", () => resolve()));
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
async function roundTrips(
  url: string,
  round: string,
  visitors: number,
  perVisitor: number,
): Promise<{ perSecond: number; latencies: number[] }> {
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
  const messages = options.messages ?? 1_024;
  const held = options.held ?? 1_000;

  // 1. Round trips: ours and the echo, alternating rounds so both see the same machine noise.
  const roundTripRows: string[] = [];
  const ours = await startChild("lutin");
  const echo = await startChild("echo");
  try {
    await roundTrips(ours.url, "warm", 16, 10);
    await roundTrips(echo.url, "warm", 16, 10);
    for (const visitors of concurrency) {
      const perVisitor = Math.max(1, Math.round(messages / visitors));
      const results: Record<"ours" | "echo", { perSecond: number; latencies: number[] }[]> = {
        ours: [],
        echo: [],
      };
      for (let round = 0; round < rounds; round++) {
        process.stderr.write(`  web: round trips, ${visitors} widgets, round ${round + 1}/${rounds}…\n`);
        results.ours.push(await roundTrips(ours.url, `c${visitors}r${round}`, visitors, perVisitor));
        // Ten times the messages: the echo is fast, a short run would be all start-up.
        results.echo.push(await roundTrips(echo.url, `c${visitors}r${round}`, visitors, perVisitor * 10));
      }
      const rate = (kind: "ours" | "echo") => median(results[kind].map((result) => result.perSecond));
      const p = (kind: "ours" | "echo", fraction: number) =>
        median(results[kind].map((result) => percentile(result.latencies, fraction)));
      roundTripRows.push(
        `| ${visitors} | ${format(rate("echo"))} | ${format(p("echo", 0.5), 1)} / ${format(p("echo", 0.99), 1)} | ${format(rate("ours"))} | ${format(p("ours", 0.5), 1)} / ${format(p("ours", 0.99), 1)} | ${format((rate("ours") / rate("echo")) * 100, 1)} % |`,
      );
    }
  } finally {
    await Promise.all([echo.stop(), ours.stop()]);
  }

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
    `A round trip is one widget message until its ack: message → assistant reply (knowledge base, enchantments, counting, lowdb with fsync) → receipt → ack. Each server runs in its own process, the widgets in this one; each widget sends its next message when the previous one is acked (closed loop), about ${format(messages)} messages per round; median of ${rounds} rounds. Baseline: a bare express + ws server answering the same frames with no work, measured in the same run.`,
    "",
    "| widgets | echo round trips/s | echo p50 / p99 ms | lutin serve round trips/s | lutin p50 / p99 ms | lutin / echo |",
    "|---:|---:|---:|---:|---:|---:|",
    ...roundTripRows,
    "",
    `Held connections: ${format(held)} widgets connected and welcomed on a fresh server; its memory after two GCs, before and after. Then, all still connected, 100 of them ask 10 questions each (median of ${rounds} rounds, a different 100 each round).`,
    "",
    "| connections | server RSS MB | RSS KB / connection | heap + external KB / connection | round trips/s under load | p50 / p99 ms |",
    "|---:|---:|---:|---:|---:|---:|",
    heldRow,
  ];
}

const kind = process.argv[2];
if (process.argv[1] === fileURLToPath(import.meta.url) && (kind === "lutin" || kind === "echo"))
  await runChild(kind);
