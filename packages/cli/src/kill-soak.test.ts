import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerFrame, WidgetTestClient } from "@lutingenie/adapter-web/testing";
import { billableRows, readDataDirectory } from "@lutingenie/core";
import { afterAll, describe, expect, it } from "vitest";

/*
 * kill -9 soak: the real `lutin serve` process (the built CLI, as `npm start` runs it) on a temporary data
 * directory and a free loopback port, several real WebSocket widget clients sending messages, and SIGKILL at
 * random moments, then a restart, for CYCLES cycles. Each client behaves as the widget does: a message stays
 * in its outbox until the server acknowledges it, and is resent with the same id after a reconnect (C11).
 * Then: every acknowledged message is in the store, no conversation is billed twice (C11, C12), and
 * `lutin audit` agrees, right after a kill and after a clean stop. Bounded: CYCLES restarts, each running
 * 300–1200 ms, all traffic on 127.0.0.1. It runs the build (packages/cli/dist): `npm run build` first
 * when running it alone after a change.
 */

const CLI = join(import.meta.dirname, "../bin/lutin.js");
const BUILT = join(import.meta.dirname, "../dist/cli.js");
const CYCLES = Number(process.env.LUTIN_SOAK_CYCLES ?? 12);
const CLIENTS = 6;
/** A visitor session ends after this many acknowledged messages and a new one starts (a new thread). */
const MESSAGES_PER_VISITOR = 12;
const SEED = Number(process.env.LUTIN_SOAK_SEED ?? Date.now() % 2 ** 31);
const ADMIN_TOKEN = "soak-admin-token-0123456789abcdef";
const TEXTS = [
  "What are your opening hours?",
  "Where is my order?",
  "#12345",
  "Do you ship to Canada?",
  "How do I return an item?",
  "thanks, that solved it",
];

/** mulberry32: a seeded generator, so a failing run can be replayed with LUTIN_SOAK_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** `lutin serve` in its own process; resolves once it prints its URLs. */
async function startServe(dataDir: string, configFile: string, log: string[]): Promise<Running> {
  const environment: NodeJS.ProcessEnv = {};
  // The machine's Slack or other LUTIN_* settings must not change what this test serves.
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith("SLACK_") && !name.startsWith("LUTIN_")) environment[name] = value;
  const child = spawn(process.execPath, [CLI, "serve", "--config", configFile], {
    env: {
      ...environment,
      PORT: "0",
      LUTIN_HOST: "127.0.0.1",
      LUTIN_DATA_DIR: dataDir,
      LUTIN_ADMIN_TOKEN: ADMIN_TOKEN,
      LUTIN_AGENT_TOKENS: "ana=soak-token-for-ana-0123456,bruno=soak-token-for-bruno-012345",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stderr?.on("data", (chunk: Buffer) => {
    if (log.length < 200) log.push(chunk.toString("utf8"));
  });
  const url = await new Promise<string>((resolve, reject) => {
    let printed = "";
    const timer = setTimeout(
      () => reject(new Error(`lutin serve did not start:\n${printed}${log.join("")}`)),
      20_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
      const found = /widget demo\s+(http:\/\/127\.0\.0\.1:\d+)\/demo/.exec(printed);
      if (found?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`lutin serve exited with ${code} before listening:\n${printed}${log.join("")}`));
    });
  });
  return { child, url, exited };
}

/** `lutin audit --json` in its own process, as an operator runs it. */
function runAudit(
  dataDir: string,
): Promise<{ code: number; report: { agree?: boolean; differences?: unknown[]; periods?: unknown[] } }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, "audit", "--data", dataDir, "--json"], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      let report = {};
      try {
        report = JSON.parse(stdout);
      } catch {
        report = { differences: [stderr] };
      }
      resolve({ code, report });
    });
  });
}

interface Outgoing {
  id: string;
  visitor: string;
  text: string;
  attempts: number;
}

interface SoakClient {
  index: number;
  visitorNumber: number;
  /** The visitor the server made for this session, and its token: resumed after every restart. */
  identity: { visitor: string; token: string } | null;
  sequence: number;
  outbox: Outgoing[];
  acked: Map<string, { visitor: string; text: string; status: string }>;
  ackedThisVisitor: number;
  sent: number;
  resent: number;
}

describe("kill -9 soak through the real lutin serve", () => {
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it(`loses no acknowledged message and counts no conversation twice over ${CYCLES} SIGKILL cycles; lutin audit agrees`, async () => {
    expect(existsSync(BUILT), "build the CLI first: npm run build").toBe(true);
    const startedAt = Date.now();
    const parent = await mkdtemp(join(tmpdir(), "lutin-kill-soak-"));
    directories.push(parent);
    const dataDir = join(parent, "data");
    const configFile = join(parent, "lutin.config.json");
    // Every client shares 127.0.0.1: per-IP and per-visitor limits are raised so that they never refuse.
    await writeFile(
      configFile,
      JSON.stringify({
        limits: {
          visitorMessagesPerMinute: 100_000,
          ipMessagesPerMinute: 1_000_000,
          ipConnectionsPerMinute: 100_000,
        },
      }),
    );
    const log: string[] = [];
    const chance = random(SEED);

    // The server the clients may use now; replaced by a pending promise while it is down.
    let publish: (url: string) => void = () => {};
    let current: Promise<string> = new Promise((resolve) => {
      publish = resolve;
    });
    const takeDown = () => {
      current = new Promise((resolve) => {
        publish = resolve;
      });
    };
    let draining = false;

    const clients: SoakClient[] = Array.from({ length: CLIENTS }, (_, index) => ({
      index,
      visitorNumber: 0,
      identity: null,
      sequence: 0,
      outbox: [],
      acked: new Map(),
      ackedThisVisitor: 0,
      sent: 0,
      resent: 0,
    }));
    const connect = async (url: string, resume: SoakClient["identity"]): Promise<WidgetTestClient | null> => {
      const connecting = WidgetTestClient.connect({
        url,
        key: "demo-shop-widget",
        ...(resume === null ? {} : { resume }),
      });
      const winner = await Promise.race([connecting, sleep(3_000).then(() => null)]).catch(() => null);
      if (winner === null) void connecting.then((late) => late.close()).catch(() => undefined);
      return winner;
    };

    /** One widget: sends, waits for the ack, and resends its outbox after every reconnect. */
    const drive = async (client: SoakClient) => {
      for (;;) {
        if (draining && client.outbox.length === 0) return;
        // A visitor's resends must go on their own thread: the session changes only with an empty outbox.
        if (client.outbox.length === 0 && client.ackedThisVisitor >= MESSAGES_PER_VISITOR) {
          client.visitorNumber += 1;
          client.identity = null;
          client.ackedThisVisitor = 0;
        }
        const widget = await connect(await current, client.identity);
        if (widget === null) {
          await sleep(25);
          continue;
        }
        // The visitor secret lives in the data dir: a restarted server resumes the same visitor.
        if (client.identity !== null && widget.visitor !== client.identity.visitor)
          throw new Error(`visitor ${client.identity.visitor} was not resumed after a restart`);
        client.identity ??= { visitor: widget.visitor, token: widget.identity.token };
        const visitor = client.identity.visitor;
        widget.socket.on("error", () => undefined);
        const closed = new Promise<null>((resolve) => widget.socket.once("close", () => resolve(null)));
        for (;;) {
          if (client.outbox.length === 0) {
            if (draining || client.ackedThisVisitor >= MESSAGES_PER_VISITOR) break;
            client.sequence += 1;
            const id = `${visitor}-m${String(client.sequence).padStart(4, "0")}`;
            const text = `${TEXTS[Math.floor(chance() * TEXTS.length)]} (ref ${id})`;
            client.outbox.push({ id, visitor, text, attempts: 0 });
          }
          const item = client.outbox[0] as Outgoing;
          if (item.attempts > 0) client.resent += 1;
          item.attempts += 1;
          client.sent += 1;
          const answer = widget.next(
            (frame) => (frame.type === "ack" || frame.type === "error") && frame.id === item.id,
            20_000,
          );
          answer.catch(() => undefined);
          widget.send({ type: "message", id: item.id, text: item.text });
          const frame: ServerFrame | null = await Promise.race([answer, closed]);
          if (frame === null) break;
          if (frame.type === "ack") {
            client.acked.set(item.id, {
              visitor: item.visitor,
              text: item.text,
              status: String(frame.status),
            });
            client.ackedThisVisitor += 1;
            client.outbox.shift();
          } else if (frame.code === "UNAVAILABLE" || frame.code === "RATE_LIMITED") {
            await sleep(Number(frame.retryAfterMs ?? 50));
          } else {
            throw new Error(`unexpected widget error ${String(frame.code)}: ${String(frame.message)}`);
          }
        }
        await widget.close().catch(() => undefined);
      }
    };

    const driving = Promise.all(clients.map(drive));
    driving.catch(() => undefined);
    const auditsAfterKill: number[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const server = await startServe(dataDir, configFile, log);
      publish(server.url);
      await sleep(300 + Math.floor(chance() * 900));
      takeDown();
      server.child.kill("SIGKILL");
      await server.exited;
      // Right after a crash: the files as the killed process left them (its lock is stale).
      if (cycle === CYCLES) auditsAfterKill.push((await runAudit(dataDir)).code);
    }
    // One more start: every client resends what is still unacknowledged, then a clean stop (SIGTERM).
    draining = true;
    const last = await startServe(dataDir, configFile, log);
    publish(last.url);
    await driving;
    last.child.kill("SIGTERM");
    expect(await last.exited).toBe(0);
    const finalAudit = await runAudit(dataDir);
    // The dashboard shows that audit once the server is back (issue 14): GET /api/admin/audit.
    const shown = await startServe(dataDir, configFile, log);
    const dashboardAudit = (await (
      await fetch(`${shown.url}/api/admin/audit`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as { audit: { agree: boolean; periods: number } | null };
    shown.child.kill("SIGTERM");
    expect(await shown.exited).toBe(0);

    const contents = await readDataDirectory(dataDir);
    expect(contents).not.toBeNull();
    const storedTexts = new Map<string, Set<string>>();
    for (const thread of contents?.threads ?? []) {
      const texts = new Set<string>();
      for (const event of thread.events)
        if (event.kind === "message" && event.from === "customer" && event.text !== null)
          texts.add(event.text);
      storedTexts.set(thread.thread, texts);
    }
    const compacted = (contents?.threads ?? []).filter((thread) => thread.base !== null).length;
    let acked = 0;
    let duplicates = 0;
    const lost: string[] = [];
    for (const client of clients)
      for (const [id, message] of client.acked) {
        acked += 1;
        // A resend of a message the killed process had already committed: answered "nothing new" (C11).
        if (message.status === "duplicate") duplicates += 1;
        if (!storedTexts.get(message.visitor)?.has(message.text)) lost.push(id);
      }
    const perConversation = new Map<string, number>();
    for (const row of billableRows(contents?.ledger ?? [], "demo-shop", Number.POSITIVE_INFINITY))
      perConversation.set(row.conversationId, (perConversation.get(row.conversationId) ?? 0) + 1);
    const countedTwice = [...perConversation.values()].filter((count) => count > 1).length;
    const rowIds = (contents?.ledger ?? []).map((row) => row.id);
    const turns = clients.reduce((sum, client) => sum + client.sent, 0);
    const resent = clients.reduce((sum, client) => sum + client.resent, 0);
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);

    // The line for bench/RESULTS.md.
    console.log(
      `kill -9 soak (lutin serve, ${CLIENTS} widget clients, seed ${SEED}): ${CYCLES} cycles, ${turns} turns (${resent} resent), ${acked} acked (${duplicates} as duplicates), ${lost.length} lost, ${countedTwice} counted twice, ${perConversation.size} conversations counted, audit after kill exit ${auditsAfterKill.join(",")}, final audit exit ${finalAudit.code}, ${seconds} s`,
    );
    expect(compacted, "no thread grew past compaction: every event is still there to check").toBe(0);
    expect(lost).toEqual([]);
    expect(countedTwice).toBe(0);
    expect(new Set(rowIds).size).toBe(rowIds.length);
    expect(auditsAfterKill, JSON.stringify(finalAudit.report.differences)).toEqual([0]);
    expect(finalAudit.code, JSON.stringify(finalAudit.report.differences)).toBe(0);
    expect(finalAudit.report.agree).toBe(true);
    expect(dashboardAudit.audit).toMatchObject({ agree: true, periods: finalAudit.report.periods?.length });
    expect(acked).toBeGreaterThan(CYCLES * CLIENTS);
    expect(resent).toBeGreaterThan(0);
  }, 120_000);
});
