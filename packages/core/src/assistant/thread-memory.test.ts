import { describe, expect, it } from "vitest";
import { createInMemoryThreadMemory, emptyThreadMemory, type ThreadMemoryRecord } from "./thread-memory.js";

describe("in-memory thread memory", () => {
  it("keeps what was saved, whatever the caller does with its record afterwards", async () => {
    const memory = createInMemoryThreadMemory();
    const record = emptyThreadMemory(1);
    record.window.push({ from: "customer", text: "where is my order?", at: 1, key: "m-1" });
    record.enchantments.emotion = { frustratedInRow: 1, conversationId: undefined };
    await memory.save("thread", record);
    // WindowMessage is read-only; this one ignores that, as careless code could.
    (record.window[0] as { text: string }).text = "changed after save";
    record.window.push({ from: "assistant", text: "late", at: 2 });
    (record.enchantments.emotion as { frustratedInRow: number }).frustratedInRow = 5;

    const loaded = await memory.load("thread");
    expect(loaded?.window).toEqual([{ from: "customer", text: "where is my order?", at: 1, key: "m-1" }]);
    // As a durable memory would give it back: undefined fields are gone.
    expect(loaded?.enchantments).toStrictEqual({ emotion: { frustratedInRow: 1 } });

    const mutable = loaded as ThreadMemoryRecord;
    (mutable.window[0] as { text: string }).text = "changed after load";
    mutable.answered.push("m-1");
    const again = await memory.load("thread");
    expect(again?.window[0]?.text).toBe("where is my order?");
    expect(again?.answered).toEqual([]);
    expect(await memory.load("other")).toBeUndefined();
  });
});
