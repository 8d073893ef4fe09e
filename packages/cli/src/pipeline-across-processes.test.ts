import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createLutinRuntime,
  DEFAULT_PLAN_CATALOG,
  DEMO_TENANT_FILE,
  type InboundEventInput,
  loadTenantFile,
} from "@lutingenie/core";
import { createPostgresStore, readPostgresContents } from "@lutingenie/store-postgres";
import { createTestDatabase, type TestDatabase } from "@lutingenie/store-postgres/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareDataDirectory } from "./commands/audit-compare.js";

/*
 * Three real processes, each the whole runtime on one PostgreSQL database (as three `lutin serve`
 * instances), receive the same customer messages at once, each message twice, each process in its own
 * order. Counting alone is checked in store-postgres (counter-across-processes.test.ts); here the replies
 * are too: one reply per customer message across the three (C11), one count per conversation (C12), and
 * what is stored is what the batch function computes from the stored events (C13, via lutin audit's
 * comparison: events, ledger, dashboard and history agree).
 */

const CHILD = join(import.meta.dirname, "pipeline-across-processes-child.ts");
const ROOT = join(import.meta.dirname, "../../..");
const THREADS = 8;
const TEXTS = ["Where is my order?", "#12345", "What are your opening hours?"];

let database: TestDatabase;
let directory: string;

beforeAll(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(join(tmpdir(), "lutin-pipeline-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
  await database?.drop();
});

interface ChildResult {
  turns: Array<{ key: string; status: string }>;
  replies: Array<{ key: string; inReplyTo: string | null; thread: string }>;
}

function startChild(eventsFile: string, seed: number) {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", CHILD, database.url, eventsFile, String(seed)],
    { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
  );
  child.stdin.on("error", () => undefined);
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      markReady();
      if (code !== 0) {
        reject(new Error(`child ${seed} exited with ${code}: ${stderr.slice(-2_000)}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as ChildResult);
    });
  });
  return { ready, done, go: () => child.stdin.end("go\n") };
}

describe("three instances of the pipeline on one database", () => {
  it("C11–C13: the same messages to three processes at once, duplicated and shuffled: one reply each, one count per conversation, as the batch function", async () => {
    // The tenant is registered first, so that every message falls in its first period.
    const setup = await createPostgresStore({ connectionString: database.url });
    await createLutinRuntime({ store: setup, tenants: [await loadTenantFile(DEMO_TENANT_FILE)] });
    const base = Date.now();
    const events: InboundEventInput[] = [];
    for (let thread = 0; thread < THREADS; thread++)
      for (const [turn, text] of TEXTS.entries())
        events.push({
          key: `t${thread}-m${turn}`,
          tenant: "demo-shop",
          channel: "web",
          thread: `visitor-${thread}`,
          kind: "message",
          from: "customer",
          text,
          at: base + turn,
        });
    const eventsFile = join(directory, "events.json");
    await writeFile(eventsFile, JSON.stringify(events));

    const children = [21, 22, 23].map((seed) => startChild(eventsFile, seed));
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.go();
    const results = await Promise.all(children.map((child) => child.done));

    // C11: each message answered by exactly one process, the other five deliveries are duplicates.
    const answered = new Map<string, number>();
    for (const turn of results.flatMap((result) => result.turns)) {
      expect(["answered", "duplicate"]).toContain(turn.status);
      if (turn.status === "answered") answered.set(turn.key, (answered.get(turn.key) ?? 0) + 1);
    }
    const replies = new Map<string, number>();
    for (const reply of results.flatMap((result) => result.replies))
      replies.set(String(reply.inReplyTo), (replies.get(String(reply.inReplyTo)) ?? 0) + 1);
    for (const event of events) {
      expect(answered.get(event.key), event.key).toBe(1);
      expect(replies.get(event.key), `replies to ${event.key}`).toBe(1);
    }
    expect(results.every((result) => result.turns.length === 2 * events.length)).toBe(true);

    // C12, C13: one billed conversation per thread, and lutin audit's recomputation agrees with all of it.
    const contents = await readPostgresContents(setup.pool);
    // A message that arrives before an earlier one already answered merges conversations: the ledger then
    // holds a reversal row (C13), so what is checked is the net per conversation.
    expect(new Set(contents.ledger.map((row) => row.id)).size).toBe(contents.ledger.length);
    const net = new Map<string, number>();
    for (const row of contents.ledger)
      net.set(row.conversationId, (net.get(row.conversationId) ?? 0) + row.delta);
    expect([...net.values()].every((total) => total === 0 || total === 1)).toBe(true);
    expect([...net.values()].filter((total) => total === 1)).toHaveLength(THREADS);
    const audit = await compareDataDirectory(contents, { now: Date.now(), catalog: DEFAULT_PLAN_CATALOG });
    expect(audit.differences).toEqual([]);
    expect(audit.notRecomputed.threads).toBe(0);
    expect(audit.periods).toHaveLength(1);
    const [period] = audit.periods;
    for (const totals of [period?.events, period?.ledger, period?.dashboard, period?.history])
      expect(totals).toEqual({ ai: THREADS, human: 0 });
    // Every stored thread holds its three messages and their three replies, each once.
    for (const thread of contents.threads) {
      const keys = thread.events.map((event) => event.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(2 * TEXTS.length);
    }
    await setup.close();
  }, 120_000);
});
