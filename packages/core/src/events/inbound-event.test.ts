import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import {
  EVENT_KINDS,
  type InboundEvent,
  idempotencyScopeOf,
  inboundEventSchema,
  MAX_TEXT_LENGTH,
  ORIGINS,
  parseInboundEvent,
  SENDERS,
  threadKeyOf,
  threadScopedKeyOf,
} from "./inbound-event.js";

/** What parseInboundEvent gives, or the message of what it throws. */
function outcome(input: unknown): { event: InboundEvent; keys: string[] } | { error: string } {
  try {
    const event = parseInboundEvent(input);
    return { event, keys: Object.keys(event) };
  } catch (error) {
    if (!LutinError.isInstance(error, "EVENT_INVALID")) throw error;
    return { error: error.message };
  }
}

/** The schema alone, as parseInboundEvent was before its hand-written fast path. */
function schemaOutcome(input: unknown): { event: InboundEvent; keys: string[] } | { error: string } {
  const result = inboundEventSchema.safeParse(input);
  if (result.success) return { event: result.data, keys: Object.keys(result.data) };
  try {
    // Words the error as parseInboundEvent does (the fast path never does, it defers to the schema).
    parseInboundEvent(input);
  } catch (error) {
    return { error: (error as Error).message };
  }
  throw new Error("the schema refused an event that parseInboundEvent accepted");
}

const absent = Symbol("absent");
const identifier = (max: number) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom("", "x".repeat(max), "x".repeat(max + 1), 7) },
  );
const timestamp = fc.oneof(
  { weight: 20, arbitrary: fc.nat() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 53, -1, 1.5, Number.NaN, "1"),
  },
);
const oneOf = (values: readonly string[]) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.constant("bogus") },
  );
const flag = fc.oneof({ weight: 20, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant("yes") });
/** Each field: absent, given (valid nearly always), or given as undefined; now and then a field the schema does not know. */
const fields: Record<string, fc.Arbitrary<unknown>> = {
  key: identifier(512),
  tenant: identifier(128),
  channel: identifier(64),
  thread: identifier(512),
  kind: oneOf(EVENT_KINDS),
  from: oneOf(SENDERS),
  origin: oneOf(ORIGINS),
  at: timestamp,
  receivedAt: timestamp,
  text: fc.oneof(
    { weight: 20, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom("y".repeat(MAX_TEXT_LENGTH + 1), 3) },
  ),
  related: flag,
  ref: identifier(512),
  echo: flag,
  channelId: fc.constant("a field the schema does not know"),
};
const required = new Set(["key", "thread", "at"]);
const inputs = fc
  .record(
    Object.fromEntries(
      Object.entries(fields).map(([name, arbitrary]) => [
        name,
        fc.oneof(
          { weight: name === "channelId" ? 30 : required.has(name) ? 0 : 10, arbitrary: fc.constant(absent) },
          { weight: 1, arbitrary: fc.constant(undefined) },
          { weight: name === "channelId" ? 0 : 30, arbitrary },
        ),
      ]),
    ),
  )
  .map((record) => {
    const input: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(record)) if (value !== absent) input[name] = value;
    return input;
  });

describe("parseInboundEvent", () => {
  it("gives the schema's result exactly, key order included, or the schema's error, on random input", () => {
    let accepted = 0;
    fc.assert(
      fc.property(inputs, (input) => {
        const expected = schemaOutcome(input);
        expect(outcome(input)).toEqual(expected);
        if ("event" in expected) accepted++;
      }),
      { numRuns: 3_000 },
    );
    // Both sides of the comparison were exercised.
    expect(accepted).toBeGreaterThan(150);
    expect(accepted).toBeLessThan(2_850);
  });

  it("agrees with the schema on inputs that are not plain objects", () => {
    class Event {
      key = "k";
      thread = "t";
      at = 1;
      from = "customer";
    }
    const inherited = Object.create({ echo: true }) as Record<string, unknown>;
    Object.assign(inherited, { key: "k", thread: "t", at: 1, from: "customer" });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      key: "k",
      thread: "t",
      at: 1,
      from: "customer",
    });
    for (const input of [null, undefined, "event", 3, [], new Event(), inherited, bare]) {
      expect(outcome(input)).toEqual(schemaOutcome(input));
    }
  });

  it("fills the defaults and keeps optional fields given as undefined as the schema does", () => {
    expect(parseInboundEvent({ key: "k", thread: "t", at: 5, from: "customer" })).toStrictEqual({
      key: "k",
      tenant: "default",
      channel: "web",
      thread: "t",
      kind: "message",
      from: "customer",
      origin: "live",
      at: 5,
    });
    const withUndefined = parseInboundEvent({ key: "k", thread: "t", at: 5, from: "agent", text: undefined });
    expect("text" in withUndefined).toBe(true);
    expect(parseInboundEvent({ key: "k", thread: "t", at: 5, kind: "close", tenant: undefined }).tenant).toBe(
      "default",
    );
  });

  it("names the field and what is wrong, as before", () => {
    expect(() => parseInboundEvent({ key: "", thread: "t", at: 1, from: "customer" })).toThrow(
      "invalid inbound event: key: key must not be empty",
    );
    expect(() => parseInboundEvent({ key: "k", thread: "t", at: 1 })).toThrow(
      "from: a message needs `from` (customer, assistant, agent or system)",
    );
    expect(() =>
      parseInboundEvent({ key: "k", thread: "t", at: 1, from: "customer", colour: "red" }),
    ).toThrow('unknown field "colour"');
  });

  it("text over MAX_TEXT_LENGTH is EVENT_INVALID naming the limit and the fix; at the limit it is accepted", () => {
    const at = { key: "k", thread: "t", at: 1, from: "customer" as const };
    expect(parseInboundEvent({ ...at, text: "a".repeat(MAX_TEXT_LENGTH) }).text).toHaveLength(
      MAX_TEXT_LENGTH,
    );
    let error: unknown;
    try {
      parseInboundEvent({ ...at, text: "a".repeat(MAX_TEXT_LENGTH + 1) });
    } catch (caught) {
      error = caught;
    }
    expect(LutinError.isInstance(error, "EVENT_INVALID")).toBe(true);
    const invalid = error as LutinError;
    expect(invalid.message).toContain(`text: text is longer than ${MAX_TEXT_LENGTH} characters`);
    expect(invalid.hint).toContain(`MAX_TEXT_LENGTH = ${MAX_TEXT_LENGTH}`);
    expect(invalid.hint).toContain("cap messages in the adapter");
    expect(invalid.details).toMatchObject({ limit: MAX_TEXT_LENGTH });
  });

  it("thread keys: every part escaped exactly as encodeURIComponent does", () => {
    const part = fc.oneof(
      fc.string(),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("a-b_c.d!e~f*g'h(i)j", "a/b", "%", ""),
    );
    fc.assert(
      fc.property(part, part, part, (tenant, channel, thread) => {
        expect(threadKeyOf({ tenant, channel, thread })).toBe(
          `${encodeURIComponent(tenant)}/${encodeURIComponent(channel)}/${encodeURIComponent(thread)}`,
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it("a lone surrogate: refused by name on the way in, and never a crash nor a shared key when escaped", () => {
    let error: unknown;
    try {
      parseInboundEvent({ key: "k", thread: "visitor-\uD800", at: 1, from: "customer", text: "hi" });
    } catch (caught) {
      error = caught;
    }
    expect(LutinError.isInstance(error, "EVENT_INVALID")).toBe(true);
    expect((error as LutinError).message).toContain("thread holds a lone UTF-16 surrogate");
    // Any UTF-16 string (lone surrogates included) gets a key; different threads never share one.
    const anyText = fc.string({ unit: "binary" });
    fc.assert(
      fc.property(anyText, anyText, (left, right) => {
        const key = (thread: string) => threadKeyOf({ tenant: "t", channel: "web", thread });
        expect(key(left) === key(right)).toBe(left === right);
      }),
      { numRuns: 2_000 },
    );
    expect(threadKeyOf({ tenant: "t", channel: "web", thread: "%uD800" })).not.toBe(
      threadKeyOf({ tenant: "t", channel: "web", thread: "\uD800" }),
    );
  });

  it("C11: a scoped key names one (thread, key) pair, and one (tenant, channel, thread, key) scope", () => {
    const part = fc.oneof(fc.string(), fc.constantFrom("a/b", "a", "b", "/", "%2F", "a%2Fb"));
    fc.assert(
      fc.property(part, part, part, part, (threadA, keyA, threadB, keyB) => {
        const same = threadA === threadB && keyA === keyB;
        expect(threadScopedKeyOf(threadA, keyA) === threadScopedKeyOf(threadB, keyB)).toBe(same);
        const a = { tenant: threadA, channel: keyB, thread: keyA };
        const b = { tenant: threadB, channel: keyA, thread: keyB };
        const sameScope = a.tenant === b.tenant && a.channel === b.channel && a.thread === b.thread;
        expect(idempotencyScopeOf(a, "k") === idempotencyScopeOf(b, "k")).toBe(sameScope);
      }),
      { numRuns: 2_000 },
    );
    // The reported case: two visitors' message "1" are two keys.
    expect(threadScopedKeyOf("visitor-a", "1")).not.toBe(threadScopedKeyOf("visitor-b", "1"));
  });
});
