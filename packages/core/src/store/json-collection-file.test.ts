import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { openJsonCollection } from "./json-collection-file.js";

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

type Operation = { kind: "set"; key: string; value: unknown } | { kind: "delete"; key: string };

const key = fc.constantFrom("a", "b", "10", "2", "é-ü", "视", 'quo"te');
const value = fc.jsonValue({ maxDepth: 2 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), key, value }),
  fc.record({ kind: fc.constant("delete" as const), key }),
);

describe("a JSON collection file", () => {
  it("writes exactly JSON.stringify's bytes of its records after any sets and deletes (cached record bytes)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 25 }), async (operations) => {
        const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
        directories.push(directory);
        const file = join(directory, "things.json");
        const collection = await openJsonCollection<unknown>({ file, directory, format: "things" });
        const model = new Map<string, unknown>();
        for (const step of operations) {
          if (step.kind === "set") {
            model.set(step.key, step.value);
            await collection.set(step.key, step.value);
          } else {
            model.delete(step.key);
            await collection.delete(step.key);
          }
        }
        await collection.set("last", { n: 1 });
        model.set("last", { n: 1 });
        const expected = JSON.stringify({ format: "things", version: 1, records: Object.fromEntries(model) });
        expect(await readFile(file, "utf8")).toBe(expected);

        const reopened = await openJsonCollection<unknown>({ file, directory, format: "things" });
        expect(JSON.stringify(reopened.values())).toBe(
          JSON.stringify(Object.values(Object.fromEntries(model))),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("drops expired records at each write", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "expiring.json");
    let now = 0;
    const collection = await openJsonCollection<{ at: number }>({
      file,
      directory,
      format: "expiring",
      forget: (record) => record.at < now - 10,
    });
    await collection.set("old", { at: 0 });
    now = 100;
    await collection.set("new", { at: 100 });
    expect(JSON.parse(await readFile(file, "utf8")).records).toEqual({ new: { at: 100 } });
  });
});
