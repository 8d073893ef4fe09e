import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DAY, ManualClock } from "../clock.js";
import {
  CONVERSATION_LOG_FILE_NAME,
  createMemoryConversationLog,
  LOGGED_TEXT_LENGTH,
  MESSAGES_KEPT,
  openFileConversationLog,
} from "./conversation-log.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});
const dataDir = async () => {
  const directory = await mkdtemp(join(tmpdir(), "lutin-conversation-log-"));
  directories.push(directory);
  return directory;
};

describe("conversation log: what the dashboard shows of a conversation (issue 17, finding 5)", () => {
  it("keeps messages in order and the latest reading; a reading-less entry keeps the previous one", async () => {
    const log = createMemoryConversationLog(new ManualClock(1_000));
    await log.add("conv_a", {
      tenant: "shop",
      messages: [{ from: "customer", text: "J'en ai marre !!!", at: 1 }],
      reading: { language: "fr", emotion: "frustrated" },
    });
    await log.add("conv_a", { tenant: "shop", messages: [{ from: "agent", text: "Je regarde.", at: 2 }] });
    expect(await log.get("conv_a")).toEqual({
      tenant: "shop",
      language: "fr",
      emotion: "frustrated",
      messages: [
        { from: "customer", text: "J'en ai marre !!!", at: 1 },
        { from: "agent", text: "Je regarde.", at: 2 },
      ],
      dropped: 0,
      updatedAt: 1_000,
    });
    expect(await log.get("conv_other")).toBeUndefined();
    // The history's cheap view: the reading alone, up to date after each add.
    expect(await log.reading("conv_a")).toEqual({ tenant: "shop", language: "fr", emotion: "frustrated" });
    expect(await log.reading("conv_other")).toBeUndefined();
    await log.add("conv_other", { tenant: "shop", reading: { language: "de", emotion: "neutral" } });
    expect(await log.reading("conv_other")).toEqual({ tenant: "shop", language: "de", emotion: "neutral" });
    // A history list reads all its rows at once; an id never logged is left out.
    const readings = await log.readings(["conv_a", "conv_missing", "conv_other"]);
    expect([...readings.keys()]).toEqual(["conv_a", "conv_other"]);
    expect(readings.get("conv_other")).toEqual({ tenant: "shop", language: "de", emotion: "neutral" });
  });

  it("is bounded: the latest MESSAGES_KEPT messages, each cut at LOGGED_TEXT_LENGTH, and says how many were dropped", async () => {
    const log = createMemoryConversationLog();
    const many = Array.from({ length: MESSAGES_KEPT + 7 }, (_, index) => ({
      from: "customer" as const,
      text: `message ${index}`,
      at: index,
    }));
    await log.add("conv_a", { tenant: "shop", messages: many });
    await log.add("conv_a", {
      tenant: "shop",
      messages: [{ from: "assistant", text: "x".repeat(50_000), at: 999 }],
    });
    const record = await log.get("conv_a");
    expect(record?.messages).toHaveLength(MESSAGES_KEPT);
    expect(record?.dropped).toBe(8);
    expect(record?.messages[0]?.text).toBe("message 8");
    expect(record?.messages.at(-1)?.text).toHaveLength(LOGGED_TEXT_LENGTH + 1);
    expect(record?.messages.at(-1)?.text.endsWith("…")).toBe(true);
  });

  it("in memory, keeps a bounded number of conversations, the least recently written dropped first", async () => {
    const log = createMemoryConversationLog(undefined, 3);
    for (const id of ["conv_a", "conv_b", "conv_c"])
      await log.add(id, { tenant: "shop", messages: [{ from: "customer", text: id, at: 1 }] });
    await log.add("conv_a", { tenant: "shop", messages: [{ from: "assistant", text: "again", at: 2 }] });
    await log.add("conv_d", { tenant: "shop", messages: [{ from: "customer", text: "d", at: 3 }] });
    expect(await log.get("conv_b")).toBeUndefined();
    expect((await log.get("conv_a"))?.messages).toHaveLength(2);
    expect(await log.get("conv_c")).toBeDefined();
    expect(await log.get("conv_d")).toBeDefined();
  });

  it("two adds at once to one conversation both land", async () => {
    const log = createMemoryConversationLog();
    await Promise.all([
      log.add("conv_a", { tenant: "shop", messages: [{ from: "customer", text: "one", at: 1 }] }),
      log.add("conv_a", { tenant: "shop", messages: [{ from: "assistant", text: "two", at: 2 }] }),
    ]);
    expect((await log.get("conv_a"))?.messages.map((message) => message.text)).toEqual(["one", "two"]);
  });

  it("the file log survives a reopen (a server restart) and journals only what a turn added", async () => {
    const directory = await dataDir();
    const clock = new ManualClock(Date.parse("2026-11-01T10:00:00Z"));
    const first = await openFileConversationLog({ dataDir: directory, clock });
    await first.add("conv_a", {
      tenant: "shop",
      messages: [{ from: "customer", text: "Hola, ¿dónde está mi pedido?", at: 1 }],
      reading: { language: "es", emotion: "neutral" },
    });
    for (let turn = 0; turn < 20; turn++)
      await first.add("conv_a", {
        tenant: "shop",
        messages: [{ from: "assistant", text: `reply ${turn}`, at: 2 + turn }],
      });
    const journal = await readFile(join(directory, `${CONVERSATION_LOG_FILE_NAME}.journal`), "utf8").catch(
      () => "",
    );
    // Each journal line holds one reply, not the whole conversation again.
    const lines = journal.split("\n").filter((line) => line.includes("reply"));
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line.match(/reply \d+/g)?.length ?? 0).toBeLessThanOrEqual(1);
    await first.close();

    const second = await openFileConversationLog({ dataDir: directory, clock });
    expect(await second.reading("conv_a")).toEqual({ tenant: "shop", language: "es", emotion: "neutral" });
    const record = await second.get("conv_a");
    expect(record).toMatchObject({ tenant: "shop", language: "es", emotion: "neutral", dropped: 0 });
    expect(record?.messages).toHaveLength(21);
    expect(record?.messages.at(-1)?.text).toBe("reply 19");
    await second.close();
  });

  it("forgets a conversation's messages after the retention without a new message", async () => {
    const directory = await dataDir();
    const clock = new ManualClock(Date.parse("2026-11-01T10:00:00Z"));
    const log = await openFileConversationLog({ dataDir: directory, clock, retentionMs: 30 * DAY });
    await log.add("conv_a", { tenant: "shop", messages: [{ from: "customer", text: "hello", at: 1 }] });
    await log.close();
    clock.advance(31 * DAY);
    const reopened = await openFileConversationLog({ dataDir: directory, clock, retentionMs: 30 * DAY });
    expect(await reopened.get("conv_a")).toBeUndefined();
    await reopened.close();
  });

  it("a record read from the file log is the reader's own: changing it changes neither the log nor the next add", async () => {
    const directory = await dataDir();
    const log = await openFileConversationLog({ dataDir: directory, clock: new ManualClock(1_000) });
    const said = { from: "customer" as const, text: "hello", at: 1 };
    await log.add("conv_a", { tenant: "shop", messages: [said] });
    said.text = "changed by the caller after add";
    const read = await log.get("conv_a");
    if (read === undefined) throw new Error("conv_a was logged");
    for (const message of read.messages) message.text = "changed by a reader";
    read.messages.push({ from: "agent", text: "pushed by a reader", at: 2 });
    await log.add("conv_a", { tenant: "shop", messages: [{ from: "assistant", text: "hi", at: 3 }] });
    expect((await log.get("conv_a"))?.messages.map((message) => message.text)).toEqual(["hello", "hi"]);
    await log.close();
    const reopened = await openFileConversationLog({ dataDir: directory, clock: new ManualClock(1_000) });
    expect((await reopened.get("conv_a"))?.messages.map((message) => message.text)).toEqual(["hello", "hi"]);
    await reopened.close();
  });
});
