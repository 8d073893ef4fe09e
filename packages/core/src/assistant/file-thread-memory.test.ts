import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DAY, ManualClock } from "../clock.js";
import { openFileThreadMemory, THREAD_MEMORY_FILE_NAME } from "./file-thread-memory.js";
import { emptyThreadMemory } from "./thread-memory.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});
/** A copy of a data directory as it is now (the original stays open, its lock aside). */
async function copyOf(dataDir: string): Promise<string> {
  const copy = await directory();
  await cp(dataDir, copy, { recursive: true });
  return copy;
}
async function directory() {
  const path = await mkdtemp(join(tmpdir(), "lutin-memory-"));
  directories.push(path);
  return path;
}

describe("thread memory in a durable file", () => {
  it("keeps what was saved across a reopen, and forgets threads idle past the retention", async () => {
    const dataDir = await directory();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const memory = await openFileThreadMemory({ dataDir, clock, retentionMs: 2 * DAY });
    const record = {
      ...emptyThreadMemory(clock.now()),
      language: "fr" as const,
      window: [{ from: "customer" as const, text: "Bonjour", at: 1 }],
    };
    await memory.save("a", record);
    clock.advance(DAY);
    await memory.save("b", emptyThreadMemory(clock.now()));
    await memory.close();

    const reopened = await openFileThreadMemory({ dataDir, clock });
    expect(await reopened.load("a")).toEqual(record);
    clock.advance(1.5 * DAY);
    const later = await openFileThreadMemory({ dataDir, clock, retentionMs: 2 * DAY });
    expect(await later.load("a")).toBeUndefined();
    expect(await later.load("b")).toBeDefined();
  });

  it("journals a turn as the messages it added, and replays them to the saved record (before and after a clean stop)", async () => {
    const dataDir = await directory();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const memory = await openFileThreadMemory({ dataDir, clock });
    let record = emptyThreadMemory(clock.now());
    const journal = join(dataDir, `${THREAD_MEMORY_FILE_NAME}.journal`);
    let lastLine = "";
    for (let turn = 0; turn < 40; turn++) {
      clock.advance(1_000);
      // As the assistant does: each turn loads its own record (a saved one is handed over).
      record = (await memory.load("thread")) ?? record;
      record.window.push(
        { from: "customer", text: `Question ${turn}: where is my order?`, at: clock.now(), key: `q${turn}` },
        {
          from: "assistant",
          text: `Answer ${turn}: `.padEnd(200, "."),
          at: clock.now(),
          key: `reply:q${turn}`,
        },
      );
      record.window = record.window.slice(-50);
      record.answered.push(`q${turn}`);
      record.updatedAt = clock.now();
      await memory.save("thread", record);
      lastLine = (await readFile(journal, "utf8")).trim().split("\n").at(-1) ?? "";
    }
    // A full window is ~10 KB; the turn's line holds its two messages and the small fields.
    expect(JSON.stringify(record).length).toBeGreaterThan(9_000);
    expect(lastLine.length).toBeLessThan(1_000);
    expect(lastLine).toContain('"p"');

    // Not closed: what a crash leaves, everything in the journal.
    const afterCrash = await openFileThreadMemory({ dataDir: await copyOf(dataDir), clock });
    expect(await afterCrash.load("thread")).toStrictEqual(record);
    await afterCrash.close();
    await memory.close();
    const reopened = await openFileThreadMemory({ dataDir, clock });
    expect(await reopened.load("thread")).toStrictEqual(record);
    await reopened.close();
  });

  it("a load is the caller's own record (lists, states, flow) sharing only the read-only window messages", async () => {
    const dataDir = await directory();
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const memory = await openFileThreadMemory({ dataDir, clock });
    await memory.save("t", {
      ...emptyThreadMemory(clock.now()),
      window: [{ from: "customer", text: "Where is my order?", at: 1, key: "q1" }],
      enchantments: { emotion: { frustratedInRow: 1 } },
      answered: ["q0"],
      responder: { conversationId: "c1", state: { flow: "order", slots: {} } },
    });
    const first = await memory.load("t");
    const second = await memory.load("t");
    expect(first?.window[0]).toBe(second?.window[0]);
    first?.window.push({ from: "assistant", text: "It ships today.", at: 2 });
    first?.answered.push("q1");
    (first?.enchantments.emotion as { frustratedInRow: number }).frustratedInRow = 5;
    (first?.responder?.state.slots as Record<string, string>).order = "12345";
    const third = await memory.load("t");
    expect(third).toStrictEqual(second);
    expect(third).toMatchObject({
      window: [{ text: "Where is my order?" }],
      answered: ["q0"],
      enchantments: { emotion: { frustratedInRow: 1 } },
      responder: { state: { slots: {} } },
    });
    // Saving the loaded record (a turn) journals only the message it added.
    await memory.save("t", first as NonNullable<typeof first>);
    const lastLine = (await readFile(join(dataDir, `${THREAD_MEMORY_FILE_NAME}.journal`), "utf8"))
      .trim()
      .split("\n")
      .at(-1);
    expect(lastLine).toContain('"window":{"drop":0,"append":[{"from":"assistant"');
    await memory.close();
  });

  it("refuses a journal delta for a thread it does not hold, or that does not apply, naming the journal", async () => {
    for (const change of [
      `["p","ghost",{"window":{"drop":0,"append":[]},"answered":{"drop":0,"append":[]}}]`,
      `["p","thread",{"window":[]}]`,
    ]) {
      const dataDir = await directory();
      const memory = await openFileThreadMemory({ dataDir });
      await memory.save("thread", emptyThreadMemory(0));
      const journal = join(dataDir, `${THREAD_MEMORY_FILE_NAME}.journal`);
      const lines = (await readFile(journal, "utf8")).trim().split("\n");
      const copy = await copyOf(dataDir);
      await writeFile(
        join(copy, `${THREAD_MEMORY_FILE_NAME}.journal`),
        `${lines.join("\n")}\n{"seq":${lines.length + 1},"changes":[${change}]}\n`,
      );
      await expect(openFileThreadMemory({ dataDir: copy })).rejects.toMatchObject({
        code: "STORE_CORRUPT",
        message: expect.stringMatching(/thread-memory\.json\.journal.*delta/),
      });
      await memory.close();
    }
  });

  it("refuses a file that is not its own, naming the file and the fix", async () => {
    const dataDir = await directory();
    await writeFile(join(dataDir, THREAD_MEMORY_FILE_NAME), '{"hello":1}');
    await expect(openFileThreadMemory({ dataDir })).rejects.toThrow(
      /thread-memory\.json.*not a lutingenie-thread-memory file/,
    );
    expect(await readFile(join(dataDir, THREAD_MEMORY_FILE_NAME), "utf8")).toBe('{"hello":1}');
  });
});
