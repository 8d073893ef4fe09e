import { describe, expect, it } from "vitest";
import type { ConversationRecord, RelatednessVerdict } from "../counting/conversation.js";
import {
  makeConversation,
  makeFiredAlert,
  makeLedgerEntry,
  makePack,
  makeTenant,
  makeThreadRecord,
} from "../testing/index.js";
import { copyJson } from "../util/json-copy.js";
import {
  copyAlert,
  copyConversation,
  copyFoldState,
  copyFoldStateOver,
  copyLedgerEntry,
  copyPack,
  copyTenant,
  copyThread,
} from "./copy.js";

/** Every object reachable from `value`, by path. */
function objectsOf(value: unknown, path = "$", found = new Map<object, string>()): Map<object, string> {
  if (value === null || typeof value !== "object") return found;
  found.set(value, path);
  for (const [key, child] of Object.entries(value)) objectsOf(child, `${path}.${key}`, found);
  return found;
}

/** The targeted copies must be deep: equal to the original and sharing no object with it. */
function expectDeepCopy<T>(original: T, copy: T): void {
  expect(copy).toEqual(original);
  expect(copy).toEqual(structuredClone(original));
  const originals = objectsOf(original);
  const shared = [...objectsOf(copy).entries()]
    .filter(([object]) => originals.has(object))
    .map(([, path]) => path);
  expect(shared).toEqual([]);
}

describe("store copies", () => {
  it("copy a fully populated thread record deeply (a new nested field in the types shows up here)", () => {
    const thread = makeThreadRecord();
    // Every nullable nested field filled, so that each level is visited.
    expect(thread.base?.current).not.toBeNull();
    expect(thread.base?.human).not.toBeNull();
    expect(thread.state.current?.relatedness.length).toBeGreaterThan(0);
    expect(Object.keys(thread.verdicts).length).toBeGreaterThan(0);
    expectDeepCopy(thread, copyThread(thread));
    expectDeepCopy({ ...thread, base: null }, copyThread({ ...thread, base: null }));
  });

  it("copy conversations, ledger rows, tenants, packs and alerts deeply", () => {
    const conversation = makeConversation();
    expectDeepCopy(conversation, copyConversation(conversation));
    const entry = makeLedgerEntry();
    expectDeepCopy(entry, copyLedgerEntry(entry));
    const tenant = makeTenant();
    expectDeepCopy(tenant, copyTenant(tenant));
    const pack = makePack();
    expectDeepCopy(pack, copyPack(pack));
    const alert = makeFiredAlert();
    expectDeepCopy(alert, copyAlert(alert));
  });

  it("copy a next fold state over the stored one: a deep copy that shares only arrays with the same items as the stored state's", () => {
    const stored = copyFoldState(makeThreadRecord().state);
    const storedCurrent = stored.current as ConversationRecord;
    expect(storedCurrent.relatedness.length).toBeGreaterThan(0);
    expect(stored.context.length).toBeGreaterThan(0);
    storedCurrent.reopenedAt = [5];
    stored.failedRefs = ["r1"];
    // The next state as a fold leaves it: copies of everything, one more message of context.
    const next = copyFoldState(stored);
    next.context.push("and another question");
    const copy = copyFoldStateOver(next, stored);
    expectDeepCopy(next, copy);
    const copyCurrent = copy.current as ConversationRecord;
    expect(copy.failedRefs).toBe(stored.failedRefs);
    expect(copyCurrent.reopenedAt).toBe(storedCurrent.reopenedAt);
    expect(copyCurrent.relatedness).toBe(storedCurrent.relatedness);
    expect(copy.context).not.toBe(stored.context);

    // Changed arrays, or another conversation than the stored one, are copied.
    const changed = copyFoldState(stored);
    (changed.current as ConversationRecord).reopenedAt.push(9);
    ((changed.current as ConversationRecord).relatedness[0] as RelatednessVerdict).score = 0.123;
    changed.failedRefs.push("r2");
    const changedCopy = copyFoldStateOver(changed, stored);
    expectDeepCopy(changed, changedCopy);
    expect(changedCopy.failedRefs).not.toBe(stored.failedRefs);
    expect(changedCopy.current?.reopenedAt).not.toBe(storedCurrent.reopenedAt);
    expect(changedCopy.current?.relatedness).not.toBe(storedCurrent.relatedness);
    const other = copyFoldState(stored);
    (other.current as ConversationRecord).id = "another";
    expect(copyFoldStateOver(other, stored).current?.reopenedAt).not.toBe(storedCurrent.reopenedAt);
  });

  it("keep `__proto__` as an ordinary key", () => {
    const parsed = JSON.parse('{"a": {"__proto__": {"x": 1}}}') as unknown;
    const copy = copyJson(parsed) as { a: Record<string, unknown> };
    expect(Object.keys(copy.a)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    const thread = makeThreadRecord();
    thread.verdicts = JSON.parse(
      '{"__proto__": {"related": true, "score": 1, "version": "v", "contextHash": "h"}}',
    );
    const copied = copyThread(thread);
    expect(Object.keys(copied.verdicts)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(copied.verdicts)).toBe(Object.prototype);
  });
});
