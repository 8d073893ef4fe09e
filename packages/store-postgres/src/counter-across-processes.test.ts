import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectSameAsBatch, feedCounter, scenarioEvents } from "./across-processes.test-support.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

const CHILD = join(import.meta.dirname, "across-processes-child.ts");
const ROOT = join(import.meta.dirname, "../../..");

const databases: TestDatabase[] = [];
const stores: PostgresStore[] = [];

beforeAll(async () => {
  for (let index = 0; index < 2; index++) databases.push(await createTestDatabase());
});

afterAll(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const database of databases.splice(0)) await database.drop();
});

async function open(url: string): Promise<PostgresStore> {
  const store = await createPostgresStore({ connectionString: url, poolSize: 4 });
  stores.push(store);
  return store;
}

/** A child "instance": ready once connected, counts on go(), done with the keys it processed. */
function startChild(url: string, threads: number, seed: number) {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", CHILD, url, String(threads), String(seed)],
    { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
  );
  // A child that died before reading its "go" must not fail the test runner with EPIPE: its exit says why.
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
  const done = new Promise<string[]>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      markReady();
      if (code !== 0) {
        reject(new Error(`child ${seed} exited with ${code}: ${stderr}`));
        return;
      }
      const last = stdout.trim().split("\n").at(-1) ?? "";
      resolve((JSON.parse(last) as { processed: string[] }).processed);
    });
  });
  return { ready, done, go: () => child.stdin.end("go\n") };
}

describe("the counter on several processes sharing one database", () => {
  it("C11–C13: three counters (three pools) fed the same events at once, duplicated and shuffled, end as the batch function", async () => {
    const url = (databases[0] as TestDatabase).url;
    const events = scenarioEvents(12);
    const processes = await Promise.all([1, 2, 3].map(() => open(url)));
    const processed = await Promise.all(
      processes.map((store, index) => feedCounter(store, events, index + 7)),
    );
    await expectSameAsBatch(processes[0] as PostgresStore, events, processed);
  });

  it("C11–C13: three real processes (tsx children) fed the same events at once, duplicated and shuffled, end as the batch function", async () => {
    const url = (databases[1] as TestDatabase).url;
    const threads = 10;
    // Migrated once before the children start, so that all three race on counting, not on the schema.
    const store = await open(url);
    const children = [11, 12, 13].map((seed) => startChild(url, threads, seed));
    // All connected and waiting: let them go at once.
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.go();
    const processed = await Promise.all(children.map((child) => child.done));
    await expectSameAsBatch(store, scenarioEvents(threads), processed);
  });
});
