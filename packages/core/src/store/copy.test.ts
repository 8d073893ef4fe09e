import { describe, expect, it } from "vitest";
import {
  makeConversation,
  makeFiredAlert,
  makeLedgerEntry,
  makePack,
  makeTenant,
  makeThreadRecord,
} from "../testing/index.js";
import {
  copyAlert,
  copyConversation,
  copyJson,
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
