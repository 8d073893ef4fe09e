import { existsSync } from "node:fs";
import { appendFile, chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { LutinError } from "../errors.js";
import { appendDurably } from "./journal-file.js";
import { EXPIRY_SWEEP_INTERVAL_MS, openJsonCollection } from "./json-collection-file.js";

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
  it("reads back exactly what was set and deleted, from the journal and from the snapshot written at close", async () => {
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
        // Order aside (a journal replays in insertion order, a snapshot in object key order).
        const sorted = (values: unknown[]) => values.map((value) => JSON.stringify(value)).sort();
        const expected = sorted([...model.values()]);
        // Not closed: what a crash leaves (no snapshot yet, everything in the journal).
        const fromJournal = await openJsonCollection<unknown>({ file, directory, format: "things" });
        expect(sorted(fromJournal.values())).toEqual(expected);

        await collection.close();
        const written = JSON.parse(await readFile(file, "utf8")) as { journalSeq: number };
        // The snapshot, joined from the records' JSON texts, is one JSON document with all of them.
        expect(written).toEqual({
          format: "things",
          version: 1,
          journalSeq: written.journalSeq,
          // Through JSON: -0 is written 0, and toEqual tells them apart.
          records: JSON.parse(JSON.stringify(Object.fromEntries(model))),
        });
        expect(written.journalSeq).toBeGreaterThan(0);
        expect((await stat(`${file}.journal`)).size).toBe(0);
        const reopened = await openJsonCollection<unknown>({ file, directory, format: "things" });
        expect(sorted(reopened.values())).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("a write appends one journal line and leaves the snapshot file alone", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "things.json");
    const first = await openJsonCollection<{ n: number }>({ file, directory, format: "things" });
    await first.set("a", { n: 1 });
    await first.close();
    const snapshot = await readFile(file, "utf8");
    const appends: number[] = [];
    const collection = await openJsonCollection<{ n: number }>({
      file,
      directory,
      format: "things",
      journalAppender: async (handle, bytes) => {
        appends.push(bytes.byteLength);
        await appendDurably(handle, bytes);
      },
    });
    // Written together: one group commit, one line.
    await Promise.all([collection.set("b", { n: 2 }), collection.delete("a"), collection.set("b", { n: 3 })]);
    expect(appends).toHaveLength(1);
    expect(await readFile(file, "utf8")).toBe(snapshot);
    const lines = (await readFile(`${file}.journal`, "utf8")).split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toEqual({
      seq: 2,
      changes: [
        ["s", "b", { n: 3 }],
        ["d", "a"],
      ],
    });
  });

  it("drops a journal line cut by a crash, and refuses a damaged one before it with a hint", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "things.json");
    const collection = await openJsonCollection<{ n: number }>({ file, directory, format: "things" });
    await collection.set("a", { n: 1 });
    await collection.set("b", { n: 2 });
    const whole = await readFile(`${file}.journal`, "utf8");
    // A write cut before its newline was never acknowledged.
    await appendFile(`${file}.journal`, '{"seq":3,"changes":[["s","c",{"n"');
    const reopened = await openJsonCollection<{ n: number }>({ file, directory, format: "things" });
    expect(reopened.values()).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await readFile(`${file}.journal`, "utf8")).toBe(whole);
    await reopened.set("c", { n: 3 });
    const again = await openJsonCollection<{ n: number }>({ file, directory, format: "things" });
    expect(again.values()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);

    await writeFile(`${file}.journal`, `{"seq":1,"changes":[["s","a"\n${whole}`);
    const error = await openJsonCollection({ file, directory, format: "things" }).catch((caught) => caught);
    expect(LutinError.isInstance(error, "STORE_CORRUPT")).toBe(true);
    expect((error as LutinError).message).toContain(`${file}.journal`);
    expect((error as LutinError).hint).toContain("move");
  });

  it("rewrites the snapshot and empties the journal once the journal outgrows it", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "things.json");
    const collection = await openJsonCollection<{ text: string }>({ file, directory, format: "things" });
    const text = "x".repeat(400_000);
    await collection.set("k0", { text: "small" });
    // The first writes go to the journal only.
    expect(existsSync(file)).toBe(false);
    for (let index = 0; index < 12; index++)
      await collection.set(`k${index % 3}`, { text: `${index}${text}` });
    // 13 lines of ~400 KB passed the 4 MiB floor once: one snapshot, the journal started again after it.
    expect((await stat(file)).size).toBeGreaterThan(1_000_000);
    expect((await stat(`${file}.journal`)).size).toBeLessThan(4 << 20);
    const reopened = await openJsonCollection<{ text: string }>({ file, directory, format: "things" });
    expect(reopened.values().map((value) => value.text.slice(0, 2))).toEqual(["9x", "10", "11"]);
  });

  it("a failed append rejects, keeps nothing of it in memory or on disk, and the next write goes through", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "things.json");
    let failing = false;
    const collection = await openJsonCollection<{ n: number }>({
      file,
      directory,
      format: "things",
      journalAppender: async (handle, bytes) => {
        if (failing) {
          // Half the line reaches the file, then the disk is full.
          await handle.write(bytes.subarray(0, bytes.byteLength >> 1));
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        }
        await appendDurably(handle, bytes);
      },
    });
    await collection.set("kept", { n: 1 });
    failing = true;
    const results = await Promise.allSettled([collection.set("lost", { n: 2 }), collection.delete("kept")]);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason as LutinError;
      expect(LutinError.isInstance(reason, "STORE_WRITE_FAILED")).toBe(true);
      expect(reason.hint).toContain("free disk space");
    }
    expect(collection.values()).toEqual([{ n: 1 }]);
    failing = false;
    await collection.set("after", { n: 3 });
    const reopened = await openJsonCollection<{ n: number }>({ file, directory, format: "things" });
    expect(reopened.values()).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it("drops expired records at a write, sweeping at most once a minute", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "expiring.json");
    let now = 0;
    const open = () =>
      openJsonCollection<{ at: number }>({
        file,
        directory,
        format: "expiring",
        expiresAt: (record) => record.at + 10,
        now: () => now,
      });
    const collection = await open();
    await collection.set("old", { at: 0 });
    await collection.set("kept", { at: EXPIRY_SWEEP_INTERVAL_MS });
    // Expired, but the sweep at open was less than a minute ago: still there.
    now = 100;
    await collection.set("new", { at: 100 });
    expect(collection.values()).toHaveLength(3);
    now = EXPIRY_SWEEP_INTERVAL_MS;
    await collection.set("newer", { at: now });
    expect(collection.values()).toEqual([{ at: EXPIRY_SWEEP_INTERVAL_MS }, { at: EXPIRY_SWEEP_INTERVAL_MS }]);
    await collection.close();
    expect(JSON.parse(await readFile(file, "utf8")).records).toEqual({
      kept: { at: EXPIRY_SWEEP_INTERVAL_MS },
      newer: { at: EXPIRY_SWEEP_INTERVAL_MS },
    });
    // At open, whatever has expired is dropped at once.
    now = EXPIRY_SWEEP_INTERVAL_MS + 11;
    const reopened = await open();
    expect(reopened.size).toBe(0);
    await reopened.close();
  });

  it.skipIf(process.platform === "win32")(
    "fileMode 0o600: the file and its journal are created so whatever the umask, and narrowed to it when found looser at open",
    async () => {
      const directory = await mkdtemp(join(tmpdir(), "lutin-collection-mode-"));
      directories.push(directory);
      const file = join(directory, "secrets.json");
      const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
      const previous = process.umask(0o022); // the usual umask: 0644 for files opened without a mode
      try {
        const collection = await openJsonCollection<string>({
          file,
          directory,
          format: "secrets",
          fileMode: 0o600,
        });
        await collection.set("token", "xoxb-secret");
        expect(await modeOf(`${file}.journal`)).toBe(0o600);
        await collection.close(); // writes the snapshot
        expect(await modeOf(file)).toBe(0o600);

        // An older version (or a copy) left them readable by everyone: fixed before anything is read.
        await chmod(file, 0o644);
        await chmod(`${file}.journal`, 0o666);
        await writeFile(join(directory, ".secrets.json.tmp"), "left by a crash", { mode: 0o644 });
        const reopened = await openJsonCollection<string>({
          file,
          directory,
          format: "secrets",
          fileMode: 0o600,
        });
        expect(await modeOf(file)).toBe(0o600);
        expect(await modeOf(`${file}.journal`)).toBe(0o600);
        expect(reopened.get("token")).toBe("xoxb-secret");
        await reopened.close(); // the snapshot goes through the stale temp file
        expect(await modeOf(file)).toBe(0o600);

        // Without the option, nothing changes (the store's other files keep the umask's mode).
        const plain = join(directory, "plain.json");
        const other = await openJsonCollection<string>({ file: plain, directory, format: "plain" });
        await other.set("a", "b");
        await other.close();
        expect(await modeOf(plain)).toBe(0o644);
      } finally {
        process.umask(previous);
      }
    },
  );

  it("hands out copies: changing what get returned, or what was set, changes nothing stored", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const collection = await openJsonCollection<{ list: number[] }>({
      file: join(directory, "copies.json"),
      directory,
      format: "things",
    });
    const value = { list: [1] };
    await collection.set("a", value);
    value.list.push(2);
    const read = collection.get("a");
    read?.list.push(3);
    expect(collection.get("a")).toEqual({ list: [1] });
    expect(collection.values()).toEqual([{ list: [1] }]);
    await collection.close();
  });

  it("adopt keeps the value handed over without a copy, hands out JSON copies of it, and journals it like set", async () => {
    const directory = await mkdtemp(join(tmpdir(), "lutin-collection-"));
    directories.push(directory);
    const file = join(directory, "adopted.json");
    const collection = await openJsonCollection<{ list: number[]; gone?: undefined }>({
      file,
      directory,
      format: "things",
    });
    const value = { list: [1], gone: undefined };
    await collection.adopt("a", value);
    const read = collection.get("a");
    expect(read).not.toBe(value);
    // What a reload would give: JSON drops the undefined field.
    expect(Object.keys(read ?? {})).toEqual(["list"]);
    read?.list.push(3);
    expect(collection.get("a")).toEqual({ list: [1] });
    await collection.adopt("a", { list: [1, 2] });
    const reopened = async () => {
      const again = await openJsonCollection<{ list: number[] }>({ file, directory, format: "things" });
      const record = again.get("a");
      await again.close();
      return record;
    };
    // Journal only (the snapshot comes at close), then the snapshot.
    expect(await readFile(`${file}.journal`, "utf8")).toContain("[1,2]");
    await collection.close();
    expect(await reopened()).toEqual({ list: [1, 2] });
  });
});
