import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeThreadCommit } from "../testing/store-conformance.js";
import { storeDocumentText } from "./document-text.js";
import { parseStoreDocument } from "./lowdb-store.js";
import { dictionary, StoreState } from "./store-state.js";

type Operation =
  | { kind: "commit"; tenant: string; channel: string; thread: string; key: string; at: number }
  /** A key as files written before C11's thread scoping hold it, bare, read back with the document. */
  | { kind: "legacy"; tenant: string; channel: string; key: string; at: number }
  | { kind: "flush" }
  | { kind: "prune"; before: number }
  | { kind: "reset" };

const name = fc.constantFrom("acme", "__proto__", "7", 'q"uote', "é");
const thread = fc.constantFrom("visitor", "0", "a/b", "é", "");
const key = fc.constantFrom("a", "b", "__proto__", "0", "10", "01", "4294967295", 'q"uote', "é");
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("commit" as const),
      tenant: name,
      channel: name,
      thread,
      key,
      at: fc.nat(1_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("legacy" as const),
      tenant: name,
      channel: name,
      key,
      at: fc.nat(1_000),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: "flush" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("prune" as const), before: fc.nat(1_000) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "reset" as const }) },
);

describe("store document text", () => {
  it("processed keys, encoded by the key since the last flush, give JSON.stringify's text (integer-like and bare legacy keys, keys set again, prunes, resets)", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (operations) => {
        const state = new StoreState();
        for (const step of operations) {
          if (step.kind === "commit") {
            const { tenant, channel, thread, key, at } = step;
            const commit = makeThreadCommit({ tenant, channel, thread, key });
            commit.processed = { tenant, channel, thread, key, at };
            commit.ledger = [];
            state.applyCommit(commit);
          } else if (step.kind === "flush") {
            expect(storeDocumentText(state.document)).toBe(JSON.stringify(state.document));
          } else if (step.kind === "legacy") {
            // Read back as the store reads a file (null-prototype dictionaries: `__proto__` is a name).
            const document = parseStoreDocument("lutin.json", JSON.stringify(state.document));
            const channels = document.processed[step.tenant] ?? dictionary();
            const keys = channels[step.channel] ?? dictionary();
            keys[step.key] = step.at;
            channels[step.channel] = keys;
            document.processed[step.tenant] = channels;
            state.reset(parseStoreDocument("lutin.json", JSON.stringify(document)));
          } else if (step.kind === "prune") {
            state.pruneProcessed(step.before);
          } else {
            // As a rollback does: the document read back from its text.
            state.reset(parseStoreDocument("lutin.json", JSON.stringify(state.document)));
          }
        }
        expect(storeDocumentText(state.document)).toBe(JSON.stringify(state.document));
      }),
      { numRuns: 300 },
    );
  });
});
