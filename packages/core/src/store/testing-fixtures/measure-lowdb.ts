/**
 * Measures the lowdb store (not a test): `node --import tsx packages/core/src/store/testing-fixtures/measure-lowdb.ts`
 * 1. one flush (stringify + temp file + fsync + rename + directory fsync) by number of records in the hot file;
 * 2. compact versus indented JSON;
 * 3. write calls per second and file writes with and without group commit, many concurrent writers;
 * 4. one archive run over history spread across 24 closed months.
 * A "record" is one processed event's worth: a thread, a conversation, a ledger row and a processed key.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeThreadCommit } from "../../testing/index.js";
import { writeFileDurably } from "../durable-file.js";
import { openLowdbStore } from "../lowdb-store.js";

const sizes = (process.env.SIZES ?? "1000,10000,100000").split(",").map(Number);

async function withDirectory<T>(run: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), "lutin-measure-"));
  try {
    return await run(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function measureFlush(records: number): Promise<void> {
  await withDirectory(async (dataDir) => {
    const store = await openLowdbStore({ dataDir });
    const batch = 1000;
    for (let start = 0; start < records; start += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, records - start) }, (_, index) =>
          store.commitThread(makeThreadCommit({ thread: `t${start + index}`, key: `k${start + index}` })),
        ),
      );
    }
    const flushes: number[] = [];
    for (let round = 0; round < 7; round++) {
      await store.commitThread(makeThreadCommit({ thread: `extra${round}`, key: `extra${round}` }));
      flushes.push(store.stats().lastWriteMs);
    }
    const bytes = store.stats().lastWriteBytes;
    await store.close();

    // The same document, split into its parts.
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(join(dataDir, "lutin.json"), "utf8");
    const document = JSON.parse(text) as unknown;
    const stringify: number[] = [];
    const indented: number[] = [];
    const write: number[] = [];
    let indentedBytes = 0;
    for (let round = 0; round < 5; round++) {
      let started = performance.now();
      const compact = JSON.stringify(document);
      stringify.push(performance.now() - started);
      started = performance.now();
      indentedBytes = Buffer.byteLength(JSON.stringify(document, null, 2));
      indented.push(performance.now() - started);
      started = performance.now();
      await writeFileDurably(join(dataDir, "probe.json"), compact);
      write.push(performance.now() - started);
    }
    console.log(
      `${String(records).padStart(7)} records: ${(bytes / 1e6).toFixed(1).padStart(6)} MB, one flush ${median(flushes).toFixed(1).padStart(7)} ms ` +
        `(stringify ${median(stringify).toFixed(1)} ms, durable write ${median(write).toFixed(1)} ms); ` +
        `indented JSON: ${(indentedBytes / 1e6).toFixed(1)} MB, stringify ${median(indented).toFixed(1)} ms`,
    );
  });
}

async function measureThroughput(records: number, groupCommit: boolean, writers: number, seconds: number) {
  await withDirectory(async (dataDir) => {
    // Seeded with group commit (one write), then measured in the mode under test.
    const seeding = await openLowdbStore({ dataDir });
    await Promise.all(
      Array.from({ length: records }, (_, index) =>
        seeding.commitThread(makeThreadCommit({ thread: `seed${index}`, key: `seed${index}` })),
      ),
    );
    await seeding.close();
    const store = await openLowdbStore({ dataDir, groupCommit });
    const before = store.stats();
    const deadline = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let n = 0; performance.now() < deadline; n++) {
          await store.commitThread(makeThreadCommit({ thread: `w${writer}`, key: `w${writer}-${n}` }));
          done++;
        }
      }),
    );
    const after = store.stats();
    await store.close();
    const fileWrites = after.fileWrites - before.fileWrites;
    console.log(
      `${String(records).padStart(6)} records, ${String(writers).padStart(3)} concurrent writers, group commit ${groupCommit ? "on " : "off"}: ` +
        `${Math.round(done / seconds)} commits/s, ${fileWrites} file writes for ${done} commits ` +
        `(${(done / fileWrites).toFixed(1)} per write)`,
    );
  });
}

async function measureArchive(records: number): Promise<void> {
  await withDirectory(async (dataDir) => {
    const now = Date.UTC(2026, 10, 20);
    const periodOf = (_tenant: string, at: number) => `${new Date(at).toISOString().slice(0, 7)}-01`;
    const store = await openLowdbStore({ dataDir, periodOf });
    await Promise.all(
      Array.from({ length: records }, (_, index) => {
        const at = now - (35 + (index % 720)) * 86_400_000;
        const commit = makeThreadCommit({
          thread: `t${index}`,
          key: `k${index}`,
          at,
          period: periodOf("", at),
        });
        for (const conversation of commit.conversations) conversation.endReason = "inactivity";
        return store.commitThread(commit);
      }),
    );
    const started = performance.now();
    const report = await store.archiveClosedPeriods(now);
    const milliseconds = performance.now() - started;
    const openStarted = performance.now();
    await store.close();
    const reopened = await openLowdbStore({ dataDir, periodOf });
    const openMs = performance.now() - openStarted;
    const readStarted = performance.now();
    const ledger = await reopened.listLedger({ tenant: "acme" });
    const readMs = performance.now() - readStarted;
    await reopened.close();
    console.log(
      `archive run over ${records} records in 24 closed months: ${milliseconds.toFixed(0)} ms, ` +
        `${report.periods.length} period files + ${report.dormantThreads} dormant threads; ` +
        `hot file ${(report.bytesBefore / 1e6).toFixed(1)} MB → ${(report.bytesAfter / 1e6).toFixed(2)} MB; ` +
        `reopen ${openMs.toFixed(0)} ms; listLedger over all archives (${ledger.length} rows, cold) ${readMs.toFixed(0)} ms`,
    );
  });
}

if (process.env.ONLY_ARCHIVE) {
  for (const records of sizes) await measureArchive(records);
  process.exit(0);
}
for (const records of sizes) await measureFlush(records);
for (const records of sizes) await measureArchive(records);
for (const records of [1000, 10000]) {
  for (const groupCommit of [false, true]) await measureThroughput(records, groupCommit, 64, 3);
}
