import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WindowMessage } from "./responder.js";
import { emptyThreadMemory, MAX_WINDOW_SIZE, type ThreadMemoryRecord } from "./thread-memory.js";
import { listDelta, threadMemoryDelta } from "./thread-memory-delta.js";

const message: fc.Arbitrary<WindowMessage> = fc.record(
  {
    from: fc.constantFrom("customer" as const, "assistant" as const, "agent" as const, "system" as const),
    text: fc.string({ maxLength: 20 }),
    at: fc.integer({ min: 0, max: 5 }),
    key: fc.string({ maxLength: 3 }),
  },
  { requiredKeys: ["from", "text", "at"] },
);
const record: fc.Arbitrary<ThreadMemoryRecord> = fc.record({
  language: fc.constantFrom(null, "en" as const, "fr" as const),
  window: fc.array(message, { maxLength: 8 }),
  responder: fc.constantFrom(null, { conversationId: "c1", state: { step: "order" } }),
  enchantments: fc.dictionary(fc.string({ maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue())),
  answered: fc.array(fc.string({ maxLength: 3 }), { maxLength: 8 }),
  handledBy: fc.constantFrom(null, { by: "agent", conversationId: "c1" }),
  updatedAt: fc.integer(),
});
/** What a save after a turn looks like: some items gone from the front, some added at the end. */
const followingTurn = (previous: ThreadMemoryRecord) =>
  fc
    .record({
      base: record,
      dropWindow: fc.nat({ max: previous.window.length }),
      addWindow: fc.array(message, { maxLength: 3 }),
      dropAnswered: fc.nat({ max: previous.answered.length }),
      addAnswered: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    })
    .map(({ base, dropWindow, addWindow, dropAnswered, addAnswered }) => ({
      ...base,
      window: [...previous.window.slice(dropWindow).map((item) => ({ ...item })), ...addWindow],
      answered: [...previous.answered.slice(dropAnswered), ...addAnswered],
    }));
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe("thread memory's journal delta", () => {
  it("replays to exactly the saved record, through JSON, whether the lists grew at the end or changed anyhow", () => {
    fc.assert(
      fc.property(
        record.chain((previous) =>
          fc.tuple(fc.constant(previous), fc.oneof(followingTurn(previous), record)),
        ),
        ([previous, next]) => {
          const delta = threadMemoryDelta.encode(json(previous), json(next));
          if (delta === undefined) return;
          expect(threadMemoryDelta.apply(json(previous), json(delta))).toStrictEqual(json(next));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("always finds the delta of a list that lost items at its front and gained some at its end", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 10 }),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
        (previous, dropSeed, added) => {
          const drop = previous.length === 0 ? 0 : dropSeed % (previous.length + 1);
          const next = [...previous.slice(drop), ...added];
          const delta = listDelta(previous, next, (a, b) => a === b);
          expect(delta).not.toBeNull();
          expect([...previous.slice(delta?.drop), ...(delta?.append ?? [])]).toEqual(next);
        },
      ),
    );
  });

  it("writes a turn on a full window in a small fraction of the record", () => {
    const previous = emptyThreadMemory(0);
    for (let index = 0; index < MAX_WINDOW_SIZE; index++)
      previous.window.push({
        from: "customer",
        text: `message ${index} `.repeat(10),
        at: index,
        key: `k${index}`,
      });
    const next = json(previous);
    next.window = [
      ...next.window.slice(2),
      { from: "customer", text: "Where is my order?", at: 60, key: "k60" },
      { from: "assistant", text: "It ships today.", at: 61, key: "reply:k60" },
    ];
    next.answered.push("k60");
    const delta = threadMemoryDelta.encode(previous, next);
    expect(delta).toMatchObject({ window: { drop: 2 }, answered: { drop: 0, append: ["k60"] } });
    expect(JSON.stringify(delta).length).toBeLessThan(JSON.stringify(next).length / 20);
  });

  it("refuses a delta whose lists are not { drop, append }", () => {
    expect(() => threadMemoryDelta.apply(emptyThreadMemory(0), { window: [] })).toThrow(/drop, append/);
  });
});
