import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StateCollection, StateCollectionSpec, StateCollections } from "../store/state-collection.js";

/*
 * The StateCollections contract (adapters' own state), for any implementation: files, memory, PostgreSQL.
 * The factory gets the clock the collections must read expiry against, and must return empty collections.
 */

export interface StateCollectionsUnderTest {
  collections: StateCollections;
  /** Opens the same data again after every collection was closed; give it for persistent ones. */
  reopen?: () => Promise<StateCollections>;
  cleanup?: () => Promise<void>;
}

interface Note {
  id: string;
  text: string;
  until: number;
}

const spec: StateCollectionSpec<Note> = {
  name: "conformance-notes",
  format: "lutingenie-conformance-notes",
  expiresAt: (note) => note.until,
};

export function describeStateCollectionConformance(
  name: string,
  factory: (now: () => number) => Promise<StateCollectionsUnderTest>,
  options: { persistent?: boolean } = {},
): void {
  const persistent = options.persistent ?? true;
  describe(`StateCollections conformance: ${name}`, () => {
    let clock = 1_000_000;
    let subject: StateCollectionsUnderTest;
    let notes: StateCollection<Note>;
    const opened: Array<StateCollection<unknown>> = [];

    beforeEach(async () => {
      clock = 1_000_000;
      subject = await factory(() => clock);
      notes = await subject.collections.open(spec);
      opened.push(notes as StateCollection<unknown>);
    });

    afterEach(async () => {
      for (const collection of opened.splice(0)) await collection.close();
      await subject.cleanup?.();
    });

    const note = (id: string, overrides: Partial<Note> = {}): Note => ({
      id,
      text: `note ${id}`,
      until: Number.MAX_SAFE_INTEGER, // JSON has no Infinity
      ...overrides,
    });

    it("gets, sets, deletes and lists records; two collections with other names do not meet", async () => {
      expect(await notes.get("a")).toBeUndefined();
      expect(await notes.values()).toEqual([]);
      await notes.set("a", note("a"));
      await notes.set("b", note("b"));
      await notes.set("a", note("a", { text: "changed" }));
      expect(await notes.get("a")).toEqual(note("a", { text: "changed" }));
      expect((await notes.values()).map((value) => value.id).sort()).toEqual(["a", "b"]);
      const other = await subject.collections.open<Note>({ ...spec, name: "conformance-other" });
      opened.push(other as StateCollection<unknown>);
      expect(await other.get("a")).toBeUndefined();
      await notes.delete("a");
      expect(await notes.get("a")).toBeUndefined();
      expect((await notes.values()).map((value) => value.id)).toEqual(["b"]);
    });

    it("keeps any string as a key and any text in a record (NUL, lone surrogates, emoji)", async () => {
      const key = "tenant\u0000thread\ud800 😀 \\0";
      await notes.set(key, note(key, { text: `a\u0000b\udc00` }));
      expect(await notes.get(key)).toEqual(note(key, { text: `a\u0000b\udc00` }));
      expect(await notes.get("tenant\u0000thread\ufffd 😀 \\0")).toBeUndefined();
    });

    it("an expired record is gone for get, values and add", async () => {
      await notes.set("soon", note("soon", { until: clock + 1_000 }));
      await notes.set("later", note("later", { until: clock + 60_000 }));
      expect(await notes.get("soon")).toBeDefined();
      clock += 1_000;
      expect(await notes.get("soon")).toBeUndefined();
      expect((await notes.values()).map((value) => value.id)).toEqual(["later"]);
      expect(await notes.add("soon", note("soon", { text: "again" }))).toBe(true);
      expect(await notes.get("soon")).toEqual(note("soon", { text: "again" }));
    });

    it("add creates a key once: of many callers at once exactly one gets true, and its record stays", async () => {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, index) =>
          notes.add("greeted", note("greeted", { text: `caller ${index}` })),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await notes.get("greeted"))?.text).toBe(`caller ${results.indexOf(true)}`);
      expect(await notes.add("greeted", note("greeted", { text: "late" }))).toBe(false);
    });

    if (!persistent) return;
    it("keeps records across a close and reopen", async () => {
      if (subject.reopen === undefined)
        throw new Error("a persistent implementation's factory must give reopen");
      await notes.set("kept", note("kept"));
      for (const collection of opened.splice(0)) await collection.close();
      const reopened = await (await subject.reopen()).open(spec);
      opened.push(reopened as StateCollection<unknown>);
      expect(await reopened.get("kept")).toEqual(note("kept"));
    });
  });
}
