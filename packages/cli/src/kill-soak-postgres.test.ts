import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerFrame, WidgetTestClient } from "@lutingenie/adapter-web/testing";
import { DEFAULT_PLAN_CATALOG } from "@lutingenie/core";
import { readPostgresContents } from "@lutingenie/store-postgres";
import { createTestDatabase, type TestDatabase } from "@lutingenie/store-postgres/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareDataDirectory } from "./commands/audit-compare.js";

/*
 * kill -9 on PostgreSQL, through the built CLI: two `lutin serve` instances on one database (each its own
 * data directory), widget clients spread over both as a load balancer would, and instance A SIGKILLed at
 * random moments (mid-turn: clients keep several messages in flight) and restarted, CYCLES times, while
 * B keeps serving. A client whose instance went away reconnects to the other one, resumes its visitor
 * (the visitor secret is in the database) and resends its unacknowledged messages with the same ids (C11).
 * Then: every acknowledged message is stored, no conversation is billed twice (C11, C12), lutin audit's
 * recomputation agrees with the ledger, and B answered while A was down. It runs the build
 * (packages/cli/dist): `npm run build` first when running it alone after a change.
 */

const CLI = join(import.meta.dirname, "../bin/lutin.js");
const BUILT = join(import.meta.dirname, "../dist/cli.js");
const CYCLES = Number(process.env.LUTIN_SOAK_CYCLES ?? 6);
const CLIENTS = 6;
const MESSAGES_PER_VISITOR = 10;
const SEED = Number(process.env.LUTIN_SOAK_SEED ?? Date.now() % 2 ** 31);
const TEXTS = ["What are your opening hours?", "Where is my order?", "#12345", "Do you ship to Canada?"];

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

let database: TestDatabase;
const directories: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
  await database?.drop();
});

interface Instance {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function startServe(dataDir: string, configFile: string, log: string[]): Promise<Instance> {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith("SLACK_") && !name.startsWith("LUTIN_") && !name.startsWith("MICROSOFT_"))
      environment[name] = value;
  const child = spawn(process.execPath, [CLI, "serve", "--config", configFile], {
    env: {
      ...environment,
      PORT: "0",
      LUTIN_HOST: "127.0.0.1",
      LUTIN_DATA_DIR: dataDir,
      LUTIN_DATABASE_URL: database.url,
      LUTIN_ADMIN_TOKEN: "pg-soak-admin-token-0123456789abcdef",
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

interface Outgoing {
  id: string;
  visitor: string;
  text: string;
}

interface SoakClient {
  /** 0: prefers A, 1: prefers B (the load balancer's first choice). */
  prefers: 0 | 1;
  identity: { visitor: string; token: string } | null;
  sequence: number;
  outbox: Outgoing[];
  acked: Map<string, Outgoing>;
  ackedThisVisitor: number;
  resent: number;
}

describe("kill -9 of one of two lutin serve instances on PostgreSQL", () => {
  it(`loses no acknowledged message and counts nothing twice over ${CYCLES} SIGKILLs of A; B goes on serving; lutin audit agrees`, async () => {
    expect(existsSync(BUILT), "build the CLI first: npm run build").toBe(true);
    const parent = await mkdtemp(join(tmpdir(), "lutin-pg-soak-"));
    directories.push(parent);
    const configFile = join(parent, "lutin.config.json");
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
    // Each instance's URL while it is up, null while it is down.
    const up: [string | null, string | null] = [null, null];
    const b = await startServe(join(parent, "data-b"), configFile, log);
    up[1] = b.url;
    let aDown = false;
    let ackedByBWhileADown = 0;
    let draining = false;

    const clients: SoakClient[] = Array.from({ length: CLIENTS }, (_, index) => ({
      prefers: (index % 2) as 0 | 1,
      identity: null,
      sequence: 0,
      outbox: [],
      acked: new Map(),
      ackedThisVisitor: 0,
      resent: 0,
    }));

    const connect = async (client: SoakClient) => {
      const choice = up[client.prefers] !== null ? client.prefers : ((1 - client.prefers) as 0 | 1);
      const url = up[choice];
      if (url === null) return null;
      const connecting = WidgetTestClient.connect({
        url,
        key: "demo-shop-widget",
        ...(client.identity === null ? {} : { resume: client.identity }),
      });
      const widget = await Promise.race([connecting, sleep(3_000).then(() => null)]).catch(() => null);
      if (widget === null) void connecting.then((late) => late.close()).catch(() => undefined);
      return widget === null ? null : { widget, choice };
    };

    const drive = async (client: SoakClient) => {
      for (;;) {
        if (draining && client.outbox.length === 0) return;
        if (client.outbox.length === 0 && client.ackedThisVisitor >= MESSAGES_PER_VISITOR) {
          client.identity = null;
          client.ackedThisVisitor = 0;
        }
        const connected = await connect(client);
        if (connected === null) {
          await sleep(25);
          continue;
        }
        const { widget, choice } = connected;
        // The visitor secret is in the database: either instance resumes the same visitor.
        if (client.identity !== null && widget.visitor !== client.identity.visitor)
          throw new Error(`visitor ${client.identity.visitor} was not resumed on instance ${choice}`);
        client.identity ??= { visitor: widget.visitor, token: widget.identity.token };
        const visitor = client.identity.visitor;
        widget.socket.on("error", () => undefined);
        const closed = new Promise<null>((resolve) => widget.socket.once("close", () => resolve(null)));
        for (;;) {
          if (client.outbox.length === 0) {
            if (draining || client.ackedThisVisitor >= MESSAGES_PER_VISITOR) break;
            client.sequence += 1;
            const id = `${visitor}-m${String(client.sequence).padStart(4, "0")}`;
            client.outbox.push({
              id,
              visitor,
              text: `${TEXTS[Math.floor(chance() * TEXTS.length)]} (ref ${id})`,
            });
          }
          const item = client.outbox[0] as Outgoing;
          const answer = widget.next(
            (frame) => (frame.type === "ack" || frame.type === "error") && frame.id === item.id,
            20_000,
          );
          answer.catch(() => undefined);
          widget.send({ type: "message", id: item.id, text: item.text });
          const frame: ServerFrame | null = await Promise.race([answer, closed]);
          if (frame === null) {
            client.resent += 1;
            break;
          }
          if (frame.type === "ack") {
            client.acked.set(item.id, item);
            client.ackedThisVisitor += 1;
            client.outbox.shift();
            if (choice === 1 && aDown) ackedByBWhileADown += 1;
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
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const a = await startServe(join(parent, "data-a"), configFile, log);
      up[0] = a.url;
      aDown = false;
      await sleep(400 + Math.floor(chance() * 800));
      up[0] = null;
      aDown = true;
      a.child.kill("SIGKILL");
      await a.exited;
      // A stays down a moment: its clients move to B, which must go on answering.
      await sleep(300);
    }
    const last = await startServe(join(parent, "data-a"), configFile, log);
    up[0] = last.url;
    aDown = false;
    draining = true;
    await driving;
    for (const instance of [last, b]) instance.child.kill("SIGTERM");
    expect(await last.exited).toBe(0);
    expect(await b.exited).toBe(0);

    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const contents = await readPostgresContents(pool);
    await pool.end();
    const stored = new Map<string, Set<string>>();
    for (const thread of contents.threads) {
      const texts = stored.get(thread.thread) ?? new Set<string>();
      for (const event of thread.events)
        if (event.kind === "message" && event.from === "customer" && event.text !== null)
          texts.add(event.text);
      stored.set(thread.thread, texts);
    }
    const lost: string[] = [];
    let acked = 0;
    for (const client of clients)
      for (const [id, message] of client.acked) {
        acked += 1;
        if (!stored.get(message.visitor)?.has(message.text)) lost.push(id);
      }
    const net = new Map<string, number>();
    for (const row of contents.ledger)
      net.set(row.conversationId, (net.get(row.conversationId) ?? 0) + row.delta);
    const countedTwice = [...net.values()].filter((total) => total > 1).length;
    const audit = await compareDataDirectory(contents, { now: Date.now(), catalog: DEFAULT_PLAN_CATALOG });
    const resent = clients.reduce((sum, client) => sum + client.resent, 0);
    console.log(
      `kill -9 soak on PostgreSQL (2 lutin serve instances, A killed ${CYCLES} times, ${CLIENTS} widget clients, seed ${SEED}): ${acked} acked, ${resent} resends after a lost connection, ${ackedByBWhileADown} acked by B while A was down, ${lost.length} lost, ${countedTwice} counted twice, ${[...net.values()].filter((total) => total === 1).length} conversations counted, audit differences ${audit.differences.length}`,
    );
    expect(contents.threads.filter((thread) => thread.base !== null)).toHaveLength(0);
    expect(lost).toEqual([]);
    expect(countedTwice).toBe(0);
    expect(new Set(contents.ledger.map((row) => row.id)).size).toBe(contents.ledger.length);
    expect(audit.differences, JSON.stringify(audit.differences.slice(0, 3))).toEqual([]);
    expect(ackedByBWhileADown).toBeGreaterThan(0);
    expect(acked).toBeGreaterThan(CYCLES * CLIENTS);
    expect(resent).toBeGreaterThan(0);
  }, 180_000);
});
