import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSameAsBatch, scenarioEvents } from "./across-processes.test-support.js";
import { createPostgresStore, type PostgresStore } from "./postgres-store.js";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

const CHILD = join(import.meta.dirname, "kill-child.ts");
const ROOT = join(import.meta.dirname, "../../..");
const THREADS = 60;

let database: TestDatabase;
let store: PostgresStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = await createPostgresStore({ connectionString: database.url });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/**
 * Runs one child; with `killAfterMs`, SIGKILLs it that long after it said "ready" (mid-turn: it has 16
 * events in flight at any moment). Resolves with the keys it acknowledged and whether it finished.
 */
function runChild(seed: number, killAfterMs?: number): Promise<{ acked: string[]; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=source", "--import", "tsx", CHILD, database.url, String(THREADS), String(seed)],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let buffer = "";
    let stderr = "";
    const acked: string[] = [];
    let finished = false;
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready" && killAfterMs !== undefined)
          setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        else if (line.startsWith("ack ")) acked.push(line.slice(4));
        else if (line === "done") finished = true;
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (signal !== "SIGKILL" && code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ acked, finished });
    });
  });
}

describe("kill -9 of an instance mid-turn, repeated", () => {
  it("C11–C13: nothing acknowledged is lost, nothing is counted twice, and the next instance finishes the work", async () => {
    const events = scenarioEvents(THREADS);
    const acked = new Set<string>();
    let killedMidWay = 0;
    for (let round = 0; round < 4; round++) {
      const result = await runChild(100 + round, 80 + round * 50);
      for (const key of result.acked) acked.add(key);
      if (!result.finished && result.acked.length > 0) killedMidWay++;
      // C11: whatever a killed instance acknowledged is in the database.
      const byKey = new Map(events.map((event) => [event.key, event]));
      const stored = await Promise.all(
        result.acked.map((key) => store.isProcessed(byKey.get(key) as (typeof events)[number])),
      );
      expect(stored.every(Boolean), `round ${round}: every acknowledged event is stored`).toBe(true);
    }
    // Killed with work done and work in flight, not before it began.
    expect(killedMidWay).toBeGreaterThan(0);
    // The last instance lives: the events the others never got to, or lost mid-turn, are processed now;
    // those already processed are duplicates.
    const last = await runChild(200);
    expect(last.finished).toBe(true);
    expect((await Promise.all(events.map((event) => store.isProcessed(event)))).every(Boolean)).toBe(true);
    // Each event once, as the batch function counts the set: the kills left no half commit behind.
    const processedOnce = events.map((event) => [event.key]);
    await expectSameAsBatch(store, events, processedOnce);
  });
});
