import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, rmdir, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DAY } from "../clock.js";
import type { ConversationRecord } from "../counting/conversation.js";
import type { StoredEvent } from "../counting/thread-state.js";
import { LutinError } from "../errors.js";
import type { FiredAlert, LedgerEntry } from "../quota/types.js";
import {
  BUILDER_TIME,
  describeStoreConformance,
  expectLutinError,
  makeConversation,
  makeFiredAlert,
  makeLedgerEntry,
  makePack,
  makeTenant,
  makeThreadCommit,
} from "../testing/index.js";
import { archiveFileOf, threadArchiveFileOf } from "./archive.js";
import { storeDocumentText } from "./document-text.js";
import { dormantThreadsFileOf } from "./dormant-thread-index.js";
import { writeFileDurably } from "./durable-file.js";
import { appendDurably, type JournalAppender, parseJournal } from "./journal-file.js";
import { LOCK_FILE_NAME } from "./lock-file.js";
import {
  type LowdbStore,
  type LowdbStoreOptions,
  openLowdbStore,
  parseStoreDocument,
  readStoreFiles,
} from "./lowdb-store.js";
import type { Store } from "./store.js";
import { dictionary, emptyDocument, type StoreDocument, StoreState } from "./store-state.js";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./testing-fixtures/", import.meta.url));

const directories: string[] = [];
const children: ChildProcess[] = [];
const stores: Store[] = [];

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "lutin-lowdb-"));
  directories.push(directory);
  return directory;
}

async function open(options: LowdbStoreOptions, internals?: Parameters<typeof openLowdbStore>[1]) {
  const store = await openLowdbStore(options, internals);
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

/** Runs a fixture script with `node --import tsx`, collecting complete stdout lines. */
function runFixture(
  script: string,
  args: string[],
): { child: ChildProcess; lines: string[]; stderr: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", join(FIXTURES, script), ...args], {
    cwd: REPOSITORY_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const lines: string[] = [];
  let partial = "";
  let errors = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    // A line cut by the kill has no newline yet: it was not acknowledged as far as anyone can tell.
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    errors += chunk;
  });
  return { child, lines, stderr: () => errors };
}

/** Resolves with the first line matching `predicate`; rejects if the child exits first. */
function firstLine(
  run: ReturnType<typeof runFixture>,
  predicate: (line: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = run.lines.find(predicate);
      if (line !== undefined) {
        clearInterval(timer);
        run.child.off("exit", onExit);
        resolve(line);
      }
    };
    const onExit = () => {
      check();
      clearInterval(timer);
      reject(new Error(`child exited before the expected line; stderr:\n${run.stderr()}`));
    };
    const timer = setInterval(check, 5);
    run.child.on("exit", onExit);
  });
}

/**
 * Whether a written text (lutin.json or a journal line) holds acme/web's processed key `key`, in whichever
 * thread: stored names are thread-scoped, `<escaped thread>/<key>` (C11, threadScopedKeyOf).
 */
function processedIn(text: string, key: string): boolean {
  const written = JSON.parse(text) as {
    processed?: Record<string, Record<string, Record<string, number>>>;
    changes?: unknown[][];
  };
  const names = (name: unknown) => typeof name === "string" && name.slice(name.indexOf("/") + 1) === key;
  if (written.changes !== undefined)
    return written.changes.some(
      (change) =>
        change[0] === "processed" && change[1] === "acme" && change[2] === "web" && names(change[3]),
    );
  return Object.keys(written.processed?.acme?.web ?? {}).some(names);
}

/** What the data directory holds durably right now (lutin.json and its journal), as JSON text. */
async function durableText(dataDir: string): Promise<string> {
  return JSON.stringify(await readStoreFiles(dataDir));
}

const decoder = new TextDecoder();

/** `list[index]`, which the test knows is there. */
function item<T>(list: readonly T[], index: number): T {
  const value = list[index];
  if (value === undefined) throw new Error(`no item ${index}`);
  return value;
}

const delay = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const turns = async (count: number) => {
  for (let index = 0; index < count; index++) await new Promise((resolve) => setImmediate(resolve));
};

function ledgerIdsOf(store: Store, tenant: string): Promise<Set<string>> {
  return store.listLedger({ tenant }).then((rows) => new Set(rows.map((row) => row.id)));
}

describeStoreConformance("lowdb", async () => {
  const dataDir = await temporaryDirectory();
  return {
    store: await openLowdbStore({ dataDir }),
    reopen: () => openLowdbStore({ dataDir }),
  };
});

describeStoreConformance("lowdb without group commit", async () => {
  const dataDir = await temporaryDirectory();
  return {
    store: await openLowdbStore({ dataDir, groupCommit: false }),
    reopen: () => openLowdbStore({ dataDir, groupCommit: false }),
  };
});

/**
 * The same contract with every write followed by archiving everything archivable: ended conversations,
 * ledger rows and alerts then live in archive files, so reads must find them there.
 */
function archivingAfterEveryWrite(store: LowdbStore): Store {
  const now = BUILDER_TIME + 365 * DAY;
  const archiving =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await write(...args);
      await store.archiveClosedPeriods(now);
      return result;
    };
  return {
    kind: store.kind,
    isProcessed: (...args) => store.isProcessed(...args),
    getThread: (...args) => store.getThread(...args),
    commitThread: archiving((commit) => store.commitThread(commit)),
    getConversation: (...args) => store.getConversation(...args),
    listConversations: (...args) => store.listConversations(...args),
    saveConversations: archiving((conversations) => store.saveConversations(conversations)),
    listLedger: (...args) => store.listLedger(...args),
    ledgerTotals: (...args) => store.ledgerTotals(...args),
    getTenant: (...args) => store.getTenant(...args),
    listTenants: () => store.listTenants(),
    putTenant: archiving((tenant) => store.putTenant(tenant)),
    addPack: archiving((pack) => store.addPack(pack)),
    listPacks: (...args) => store.listPacks(...args),
    recordAlert: archiving((alert) => store.recordAlert(alert)),
    updateAlert: archiving((alert) => store.updateAlert(alert)),
    listAlerts: (...args) => store.listAlerts(...args),
    close: () => store.close(),
  };
}

describeStoreConformance("lowdb with closed periods archived after every write", async () => {
  const dataDir = await temporaryDirectory();
  // Keys are kept (retention 10 years) so that C11 holds while everything else is archived.
  const options = { dataDir, processedKeyRetentionDays: 3650 };
  return {
    store: archivingAfterEveryWrite(await openLowdbStore(options)),
    reopen: async () => archivingAfterEveryWrite(await openLowdbStore(options)),
  };
});

describe("lowdb store: files", () => {
  it("creates the data directory, starts empty without a data file, and writes lutin.json on the first write", async () => {
    const dataDir = join(await temporaryDirectory(), "nested", "data");
    const store = await open({ dataDir });
    expect(store.file).toBe(join(dataDir, "lutin.json"));
    expect(existsSync(store.file)).toBe(false);
    await store.commitThread(makeThreadCommit({ thread: "visitor", key: "first" }));
    const saved = JSON.parse(readFileSync(store.file, "utf8")) as { format: string; processed: object };
    expect(saved.format).toBe("lutingenie-store");
    // C11: the key is named within its thread.
    expect(saved.processed).toEqual({ acme: { web: { "visitor/first": BUILDER_TIME } } });
  });

  it("refuses invalid options with CONFIG_INVALID naming the field", async () => {
    const error = await expectLutinError(open({ dataDir: "" }), "CONFIG_INVALID");
    expect(error.message).toContain("dataDir");
    const days = await expectLutinError(
      open({ dataDir: await temporaryDirectory(), archiveAfterDays: -1 }),
      "CONFIG_INVALID",
    );
    expect(days.message).toContain("archiveAfterDays");
  });
});

describe("lowdb store: group commit", () => {
  it("serves many concurrent writes with far fewer file writes, each resolved after its data is on disk", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    const commits = Array.from({ length: 200 }, (_, index) =>
      makeThreadCommit({ thread: `t${index}`, key: `k${index}` }),
    );
    const onDiskAtResolution: boolean[] = [];
    await Promise.all(
      commits.map((commit) =>
        store.commitThread(commit).then(() => {
          // Read the file itself the moment the caller is told its write is done.
          onDiskAtResolution.push(processedIn(readFileSync(store.file, "utf8"), commit.processed.key));
        }),
      ),
    );
    expect(onDiskAtResolution).toHaveLength(200);
    expect(onDiskAtResolution.every(Boolean)).toBe(true);
    const stats = store.stats();
    expect(stats.writeRequests).toBe(200);
    expect(stats.fileWrites).toBeLessThanOrEqual(5);
    expect(stats.largestBatch).toBeGreaterThan(1);
  });

  it("resolves no caller while its flush is still being written, and batches the callers that arrive meanwhile", async () => {
    const dataDir = await temporaryDirectory();
    let release: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const written: string[] = [];
    const store = await open(
      { dataDir },
      {
        // The first write is a whole file, the next ones journal lines: both are held at the gate.
        writer: async (file, text) => {
          await gate;
          await writeFileDurably(file, text);
          written.push(text);
        },
        journalAppender: async (handle, bytes) => {
          await gate;
          await appendDurably(handle, bytes);
          written.push(decoder.decode(bytes));
        },
      },
    );
    const resolved: string[] = [];
    const first = store.commitThread(makeThreadCommit({ key: "first" })).then(() => resolved.push("first"));
    await turns(5);
    // The first flush is held at the gate; these arrive while it is being written.
    const later = Array.from({ length: 20 }, (_, index) =>
      store
        .commitThread(makeThreadCommit({ key: `later-${index}` }))
        .then(() => resolved.push(`later-${index}`)),
    );
    await turns(20);
    expect(resolved).toEqual([]);
    expect(written).toEqual([]);
    release();
    await first;
    expect(written).toHaveLength(1);
    expect(processedIn(written[0] as string, "first")).toBe(true);
    expect(processedIn(written[0] as string, "later-0")).toBe(false);
    gate = Promise.resolve();
    await Promise.all(later);
    // One more write served all twenty.
    expect(written).toHaveLength(2);
    for (let index = 0; index < 20; index++)
      expect(processedIn(written[1] as string, `later-${index}`)).toBe(true);
    expect(store.stats().largestBatch).toBe(20);
  });

  it("without group commit, each write call rewrites the whole file (the benchmark baseline)", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, groupCommit: false });
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => store.commitThread(makeThreadCommit({ key: `k${index}` }))),
    );
    expect(store.stats().fileWrites).toBe(30);
    expect(store.stats().snapshotWrites).toBe(30);
    expect(store.stats().largestBatch).toBe(1);
  });

  it("close() waits for pending writes and later calls fail with STORE_CLOSED", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    const pending = store.commitThread(makeThreadCommit({ key: "pending" }));
    await store.close();
    await pending;
    expect(processedIn(readFileSync(store.file, "utf8"), "pending")).toBe(true);
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    await expectLutinError(store.flush(), "STORE_CLOSED");
    await expectLutinError(store.archiveClosedPeriods(), "STORE_CLOSED");
  });
});

describe("lowdb store: one process per data directory", () => {
  it("a second open of the same directory in this process fails with STORE_LOCKED until the first is closed", async () => {
    const dataDir = await temporaryDirectory();
    const first = await open({ dataDir });
    const error = await expectLutinError(open({ dataDir }), "STORE_LOCKED");
    expect(error.message).toContain(dataDir);
    expect(error.message).toContain(String(process.pid));
    expect(error.hint).toContain("LUTIN_DATA_DIR");
    expect(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8").split("\n")[0]).toBe(String(process.pid));
    await first.close();
    expect(existsSync(join(dataDir, LOCK_FILE_NAME))).toBe(false);
    const again = await open({ dataDir });
    await again.close();
  });

  it("another process cannot open a directory this process holds", async () => {
    const dataDir = await temporaryDirectory();
    await open({ dataDir });
    const probe = runFixture("lock-probe.ts", ["probe", dataDir]);
    const line = await firstLine(probe, (text) => text.startsWith("{"));
    const result = JSON.parse(line) as { code: string; message: string; hint: string };
    expect(result.code).toBe("STORE_LOCKED");
    expect(result.message).toContain(dataDir);
    expect(result.message).toContain(`process ${process.pid}`);
    expect(result.hint).toContain(`stop the other LutinGénie process (pid ${process.pid})`);
    expect(result.hint).toContain("LUTIN_DATA_DIR");
  });

  it("this process cannot open a directory another live process holds, and takes it over once that one is killed", async () => {
    const dataDir = await temporaryDirectory();
    const holder = runFixture("lock-probe.ts", ["hold", dataDir]);
    const line = await firstLine(holder, (text) => text.startsWith("{"));
    const { holding } = JSON.parse(line) as { holding: number };
    expect(holding).toBe(holder.child.pid);
    const error = await expectLutinError(open({ dataDir }), "STORE_LOCKED");
    expect(error.message).toContain(`process ${holding}`);
    expect(error.details).toMatchObject({ pid: holding, dataDir });

    holder.child.kill("SIGKILL");
    await once(holder.child, "exit");
    const store = await open({ dataDir });
    expect(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8").split("\n")[0]).toBe(String(process.pid));
    const afterTakeover = makeThreadCommit({ key: "after-takeover" });
    await store.commitThread(afterTakeover);
    expect(await store.isProcessed(afterTakeover.processed)).toBe(true);
  });

  it("takes over a stale lock: a dead pid, this pid from an earlier process, or an old unreadable file", async () => {
    const dataDir = await temporaryDirectory();
    const lockFile = join(dataDir, LOCK_FILE_NAME);
    const exited = spawn(process.execPath, ["-e", ""]);
    await once(exited, "exit");
    const deadPid = exited.pid as number;

    await writeFile(lockFile, `${deadPid}\n${Date.now() - 60_000}\n`);
    await (await open({ dataDir })).close();

    // Same pid, started long ago: an earlier incarnation (a container's pid 1 restarted after a crash).
    await writeFile(lockFile, `${process.pid}\n${Date.now() - 3_600_000}\n`);
    await (await open({ dataDir })).close();

    await writeFile(lockFile, "");
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile, old, old);
    await (await open({ dataDir })).close();

    // A fresh lock without a pid is still being written by its creator.
    await writeFile(lockFile, "");
    const error = await expectLutinError(open({ dataDir }), "STORE_LOCKED");
    expect(error.message).toContain(dataDir);
  });
});

describe("lowdb store: unreadable data file", () => {
  it.each([
    ["not JSON", "{not json"],
    ["an empty file", ""],
    ["JSON of another shape", "[]"],
    ["another format", '{"format":"something-else"}'],
    [
      "a field of the wrong type",
      '{"format":"lutingenie-store","version":1,"threads":[],"conversations":{},"ledger":[],"processed":{},"tenants":{},"packs":{},"alerts":[],"archived":{}}',
    ],
  ])("%s → STORE_CORRUPT naming the file and the fix, never an empty store over it", async (_label, text) => {
    const dataDir = await temporaryDirectory();
    const file = join(dataDir, "lutin.json");
    await writeFile(file, text);
    const error = await expectLutinError(open({ dataDir }), "STORE_CORRUPT");
    expect(error.message).toContain(file);
    expect(error.hint).toContain("backup");
    expect(error.hint).toContain("move it aside");
    expect(readFileSync(file, "utf8")).toBe(text);
    // The lock was released: once the file is moved aside, the store opens.
    await rm(file);
    await (await open({ dataDir })).close();
  });

  it("a newer format version → STORE_CORRUPT that says so", async () => {
    const dataDir = await temporaryDirectory();
    await writeFile(join(dataDir, "lutin.json"), '{"format":"lutingenie-store","version":99}');
    const error = await expectLutinError(open({ dataDir }), "STORE_CORRUPT");
    expect(error.message).toContain("version 99");
  });
});

describe("lowdb store: write failures", () => {
  /** Fails whole-file writes and journal appends alike while `control.failing` is set. */
  function failingWriter() {
    const control = { failing: null as NodeJS.ErrnoException | null, writes: 0 };
    const writer = async (file: string, text: string) => {
      if (control.failing !== null) throw control.failing;
      await writeFileDurably(file, text);
      control.writes++;
    };
    const journalAppender: JournalAppender = async (handle, bytes) => {
      if (control.failing !== null) {
        // Part of the line reaches the file before the disk fills up: it must be cut off again.
        await handle.write(bytes.subarray(0, bytes.byteLength >> 1));
        throw control.failing;
      }
      await appendDurably(handle, bytes);
      control.writes++;
    };
    return { control, writer, journalAppender };
  }
  const enospc = () =>
    Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });

  it("a failed write rejects with STORE_WRITE_FAILED, rolls back to the disk, fails the writes that waited, and recovers", async () => {
    const dataDir = await temporaryDirectory();
    const { control, writer, journalAppender } = failingWriter();
    const store = await open({ dataDir }, { writer, journalAppender });
    const kept = makeThreadCommit({ key: "kept", thread: "t1" });
    await store.commitThread(kept);

    control.failing = enospc();
    const lost = makeThreadCommit({ key: "lost", thread: "t1" });
    lost.ledger = [makeLedgerEntry({ id: "lost-row" })];
    const alsoLost = makeThreadCommit({ key: "also-lost", thread: "t2" });
    const results = await Promise.allSettled([
      store.commitThread(lost),
      store.commitThread(alsoLost),
      store.recordAlert(makeFiredAlert({ threshold: 80 })),
      store.putTenant(makeTenant({ id: "acme" })),
    ]);
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason;
      expect(LutinError.isInstance(reason, "STORE_WRITE_FAILED")).toBe(true);
      expect((reason as LutinError).message).toContain(store.file);
      expect((reason as LutinError).message).toContain("ENOSPC");
      expect((reason as LutinError).hint).toContain("free disk space");
    }
    // Nothing of the failed writes is visible: the state is what the disk holds.
    expect(await store.isProcessed(lost.processed)).toBe(false);
    expect(await store.isProcessed(alsoLost.processed)).toBe(false);
    expect(await store.getThread(kept.thread.key)).toEqual(kept.thread);
    expect(await store.getThread(alsoLost.thread.key)).toBeUndefined();
    expect((await store.listLedger({ tenant: "acme" })).map((row) => row.id)).toEqual(
      kept.ledger.map((row) => row.id),
    );
    expect(await store.listAlerts("acme")).toEqual([]);
    expect(await store.listTenants()).toEqual([]);

    control.failing = null;
    const after = makeThreadCommit({ key: "after", thread: "t3" });
    await store.commitThread(after);
    // The alert was never recorded, so it records now (Q5 not fooled by the failed attempt).
    expect(await store.recordAlert(makeFiredAlert({ threshold: 80 }))).toBe(true);
    await store.commitThread(lost);
    await store.close();

    const again = await open({ dataDir });
    expect(await again.isProcessed(kept.processed)).toBe(true);
    expect(await again.isProcessed(after.processed)).toBe(true);
    expect(await again.isProcessed(lost.processed)).toBe(true);
    expect(await again.isProcessed(alsoLost.processed)).toBe(false);
    expect(await again.listAlerts("acme")).toHaveLength(1);
    expect(store.stats().failedFileWrites).toBe(1);
  });

  it("Q5: an alert whose write failed is not reported as already fired to a concurrent caller", async () => {
    const dataDir = await temporaryDirectory();
    let failures = 1;
    const store = await open(
      { dataDir },
      {
        writer: async (file, text) => {
          if (failures > 0) {
            failures--;
            throw enospc();
          }
          await writeFileDurably(file, text);
        },
      },
    );
    const alert = makeFiredAlert({ threshold: 90 });
    const [first, second] = await Promise.allSettled([store.recordAlert(alert), store.recordAlert(alert)]);
    expect(first.status).toBe("rejected");
    // The second caller saw the first one's alert in memory, waited for it to reach the disk, saw it
    // rolled back, and recorded it itself.
    expect(second).toEqual({ status: "fulfilled", value: true });
    expect(await store.listAlerts("acme")).toEqual([alert]);
    expect(await store.recordAlert(alert)).toBe(false);
  });

  it("a real OS error (the temp file's path is a directory) fails the same way, and the store recovers once it is gone", async () => {
    const dataDir = await temporaryDirectory();
    // The first write creates lutin.json whole: the obstacle is in its way.
    const obstacle = join(dataDir, ".lutin.json.tmp");
    await mkdir(obstacle);
    const store = await open({ dataDir });
    const blocked = makeThreadCommit({ key: "blocked" });
    const error = await expectLutinError(store.commitThread(blocked), "STORE_WRITE_FAILED");
    expect(error.message).toContain(store.file);
    expect(error.details).toMatchObject({ file: store.file });
    expect(await store.isProcessed(blocked.processed)).toBe(false);
    expect(existsSync(store.file)).toBe(false);
    await rmdir(obstacle);
    await store.commitThread(makeThreadCommit({ key: "blocked" }));
    expect(processedIn(readFileSync(store.file, "utf8"), "blocked")).toBe(true);
    await store.commitThread(makeThreadCommit({ key: "after", thread: "t2" }));
    expect(processedIn(await durableText(dataDir), "after")).toBe(true);
  });

  it("an unwritable data directory at open → STORE_WRITE_FAILED naming it", async () => {
    const parent = await temporaryDirectory();
    const notADirectory = join(parent, "file");
    await writeFile(notADirectory, "");
    const error = await expectLutinError(
      open({ dataDir: join(notADirectory, "data") }),
      "STORE_WRITE_FAILED",
    );
    expect(error.message).toContain(join(notADirectory, "data"));
  });
});

describe("lowdb store: archiving closed periods", () => {
  /** Monthly periods on the 1st, UTC: enough to place periods for these tests. */
  const periodOf = (_tenant: string, at: number) => `${new Date(at).toISOString().slice(0, 7)}-01`;
  const MARCH_10 = Date.UTC(2025, 2, 10);
  /** Settled rows stay hot for a year: these tests look at the closed-period rule alone. */
  const CLOSED_ONLY = { settledAfterHours: 365 * 24 };

  async function seed(store: LowdbStore) {
    const january = Array.from({ length: 30 }, (_, index) =>
      makeThreadCommit({
        thread: `jan-${index}`,
        key: `jan-${index}`,
        period: "2025-01-01",
        at: Date.UTC(2025, 0, 20),
      }),
    );
    for (const commit of january) {
      const conversation = commit.conversations[0] as ConversationRecord;
      conversation.endReason = "inactivity";
      conversation.endedAt = conversation.lastActivityAt + 30 * 60_000;
      await store.commitThread(commit);
    }
    // Opened in January but never ended: stays hot for the counting engine and the sweep.
    const stillOpen = makeConversation({ period: "2025-01-01", lastActivityAt: Date.UTC(2025, 0, 31) });
    await store.saveConversations([stillOpen]);
    const march = makeThreadCommit({
      thread: "mar",
      key: "mar",
      period: "2025-03-01",
      at: Date.UTC(2025, 2, 5),
    });
    await store.commitThread(march);
    const alerts: FiredAlert[] = [
      makeFiredAlert({ period: "2025-01-01", threshold: 80 }),
      makeFiredAlert({ period: "2025-03-01", threshold: 80 }),
    ];
    for (const alert of alerts) await store.recordAlert(alert);
    const globex = makeThreadCommit({
      tenant: "globex",
      key: "globex-jan",
      period: "2025-01-01",
      at: Date.UTC(2025, 0, 3),
    });
    (globex.conversations[0] as ConversationRecord).endReason = "closed";
    await store.commitThread(globex);
    return { january, stillOpen, march, alerts, globex };
  }

  it("moves ended conversations, ledger rows and alerts of ended periods to archive files; reads still return them", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf, processedKeyRetentionDays: 60, ...CLOSED_ONLY });
    const { january, stillOpen, march, alerts, globex } = await seed(store);
    const conversationsBefore = await store.listConversations({ tenant: "acme" });
    const ledgerBefore = await store.listLedger({ tenant: "acme" });
    const alertsBefore = await store.listAlerts("acme");
    const januaryBefore = await store.listConversations({ tenant: "acme", period: "2025-01-01" });

    const report = await store.archiveClosedPeriods(MARCH_10);
    expect(
      report.periods.map(({ tenant, period, conversations, ledger, alerts: fired }) => ({
        tenant,
        period,
        conversations,
        ledger,
        alerts: fired,
      })),
    ).toEqual([
      { tenant: "acme", period: "2025-01-01", conversations: 30, ledger: 30, alerts: 1 },
      { tenant: "globex", period: "2025-01-01", conversations: 1, ledger: 1, alerts: 0 },
    ]);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
    const januaryFile = archiveFileOf(dataDir, "acme", "2025-01-01");
    expect(januaryFile).toBe(join(dataDir, "archive", "acme", "2025-01-01.json"));
    expect(existsSync(januaryFile)).toBe(true);
    const hot = readFileSync(store.file, "utf8");
    expect(hot).not.toContain(item(item(january, 0).ledger, 0).id);
    expect(hot).toContain(stillOpen.id);
    expect(hot).toContain((march.ledger[0] as LedgerEntry).id);
    // Thread records stay (the counting engine owns their logs); January's keys are within 60 days.
    expect(await store.getThread(item(january, 0).thread.key)).toBeDefined();
    expect(await store.isProcessed(item(january, 0).processed)).toBe(true);

    const sameAfter = async (reader: LowdbStore) => {
      expect(await reader.listConversations({ tenant: "acme" })).toEqual(conversationsBefore);
      expect(await reader.listConversations({ tenant: "acme", period: "2025-01-01" })).toEqual(januaryBefore);
      expect(await reader.listLedger({ tenant: "acme" })).toEqual(ledgerBefore);
      expect(await reader.listLedger({ tenant: "acme", period: "2025-01-01" })).toHaveLength(30);
      expect(await reader.listAlerts("acme")).toEqual(alertsBefore);
      expect(await reader.listAlerts("acme", "2025-01-01")).toEqual([alerts[0]]);
      const archived = item(item(january, 5).conversations, 0);
      expect(await reader.getConversation(archived.id)).toEqual(archived);
      expect(await reader.listConversations({ tenant: "acme", threadKey: archived.threadKey })).toEqual([
        archived,
      ]);
      expect(await reader.listConversations({ tenant: "globex" })).toEqual(globex.conversations);
      // The inactivity sweep's query only ever needs the hot file.
      expect(
        await reader.listConversations({ tenant: "acme", openWithLastActivityBefore: Date.UTC(2025, 1, 1) }),
      ).toEqual([stillOpen]);
      // C12 and Q5 still see the archived rows.
      const recount = makeThreadCommit({ key: "recount", period: "2025-01-01" });
      recount.ledger = [{ ...item(item(january, 3).ledger, 0) }];
      await expectLutinError(reader.commitThread(recount), "LEDGER_ENTRY_EXISTS");
      expect(await reader.isProcessed(recount.processed)).toBe(false);
      expect(await reader.recordAlert({ ...(alerts[0] as FiredAlert), used: 99 })).toBe(false);
    };
    await sameAfter(store);
    await store.close();
    const reopened = await open({ dataDir, periodOf, ...CLOSED_ONLY });
    await sameAfter(reopened);
  });

  it("reads running while rows move to the archives see every row exactly once", async () => {
    const dataDir = await temporaryDirectory();
    // No archive cache: every read of an archive file is real I/O, during which rows can move.
    const store = await open({ dataDir, periodOf }, { archiveCacheSize: 0 });
    await seed(store);
    await store.archiveClosedPeriods(MARCH_10);
    // Late rows for the archived January (C13 reversals), still in the hot file.
    for (let index = 0; index < 20; index++) {
      const late = makeThreadCommit({ key: `late-${index}`, period: "2025-01-01", counted: false });
      (late.conversations[0] as ConversationRecord).endReason = "closed";
      late.ledger = [
        makeLedgerEntry({ id: `late-row-${index}`, period: "2025-01-01", kind: "reversal", delta: -1 }),
      ];
      await store.commitThread(late);
    }
    await store.recordAlert(makeFiredAlert({ period: "2025-01-01", threshold: 100 }));
    const expected = {
      conversations: (await store.listConversations({ tenant: "acme" })).length,
      ledger: (await store.listLedger({ tenant: "acme" })).length,
      january: (await store.listLedger({ tenant: "acme", period: "2025-01-01" })).length,
      alerts: (await store.listAlerts("acme")).length,
    };
    expect(expected.january).toBe(50);
    let archived = false;
    const archiving = store.archiveClosedPeriods(MARCH_10).finally(() => {
      archived = true;
    });
    const seen: (typeof expected)[] = [];
    // Readers keep reading until the run is over, so that some of them straddle each step of it.
    const reader = async () => {
      while (!archived) {
        // Reads that find no archive complete without I/O: let the archive run's I/O proceed.
        await new Promise((resolve) => setImmediate(resolve));
        const [conversations, ledger, january, alerts] = await Promise.all([
          store.listConversations({ tenant: "acme" }),
          store.listLedger({ tenant: "acme" }),
          store.listLedger({ tenant: "acme", period: "2025-01-01" }),
          store.listAlerts("acme"),
        ]);
        seen.push({
          conversations: conversations.length,
          ledger: new Set(ledger.map((row) => row.id)).size === ledger.length ? ledger.length : -1,
          january: january.length,
          alerts: alerts.length,
        });
      }
    };
    await Promise.all([archiving, ...Array.from({ length: 50 }, reader)]);
    expect((await archiving).periods).toEqual([
      expect.objectContaining({
        tenant: "acme",
        period: "2025-01-01",
        conversations: 20,
        ledger: 20,
        alerts: 1,
      }),
    ]);
    expect(seen.length).toBeGreaterThan(50);
    expect(seen.filter((counts) => JSON.stringify(counts) !== JSON.stringify(expected))).toEqual([]);
  });

  it("takes late changes to an archived period (a C13 reversal, a conversation changed) and archives them again", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    const { january } = await seed(store);
    await store.archiveClosedPeriods(MARCH_10);

    const counted = item(item(january, 0).ledger, 0);
    const conversation = item(item(january, 0).conversations, 0);
    const merged: ConversationRecord = {
      ...conversation,
      mergedInto: "elsewhere",
      counted: false,
      notCountedReason: "merged",
    };
    const reversal = makeLedgerEntry({
      id: `${conversation.id}:reversal`,
      conversationId: conversation.id,
      kind: "reversal",
      delta: -1,
      period: "2025-01-01",
      reverses: counted.id,
      reason: "merged",
      recordedAt: MARCH_10,
    });
    const late = makeThreadCommit({ key: "late", thread: "jan-0", counted: false });
    await store.commitThread({ ...late, conversations: [merged], ledger: [reversal] });
    const check = async () => {
      expect(await store.getConversation(conversation.id)).toEqual(merged);
      const rows = await store.listLedger({ tenant: "acme", period: "2025-01-01" });
      expect(rows).toHaveLength(31);
      expect(rows.at(-1)).toEqual(reversal);
      expect(
        (await store.listConversations({ tenant: "acme", period: "2025-01-01" })).filter(
          (c) => c.id === conversation.id,
        ),
      ).toEqual([merged]);
    };
    await check();
    const again = await store.archiveClosedPeriods(MARCH_10 + DAY);
    expect(again.periods).toEqual([
      expect.objectContaining({ tenant: "acme", period: "2025-01-01", conversations: 1, ledger: 1 }),
    ]);
    expect(readFileSync(store.file, "utf8")).not.toContain(reversal.id);
    await check();
    const file = JSON.parse(await readFile(archiveFileOf(dataDir, "acme", "2025-01-01"), "utf8")) as {
      ledger: LedgerEntry[];
      conversations: ConversationRecord[];
    };
    expect(file.ledger).toHaveLength(31);
    expect(file.conversations.find((c) => c.id === conversation.id)).toEqual(merged);
  });

  it("only archives periods that ended archiveAfterDays before now", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf, archiveAfterDays: 7, ...CLOSED_ONLY });
    await seed(store);
    // February 1 + 7 days: January ended exactly 7 days ago, not more.
    expect((await store.archiveClosedPeriods(Date.UTC(2025, 1, 8) - 1)).periods).toEqual([]);
    expect((await store.archiveClosedPeriods(Date.UTC(2025, 1, 8))).periods).toHaveLength(2);
  });

  it("without periodOf, waits until no monthly period in any time zone can still be open", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, archiveAfterDays: 7, ...CLOSED_ONLY });
    await seed(store);
    // January 1 + 32 days + 7 days.
    expect((await store.archiveClosedPeriods(Date.UTC(2025, 1, 9) - 1)).periods).toEqual([]);
    expect((await store.archiveClosedPeriods(Date.UTC(2025, 1, 9))).periods).toHaveLength(2);
  });

  it("moves threads idle for dormantThreadDays to archive files; getThread reads them; a commit makes them hot again", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, dormantThreadDays: 30 });
    const idle = makeThreadCommit({ thread: "idle", key: "idle-1", at: MARCH_10 - 31 * DAY });
    const active = makeThreadCommit({ thread: "active", key: "active-1", at: MARCH_10 - 29 * DAY });
    await store.commitThread(idle);
    await store.commitThread(active);
    const hotThreads = async () => Object.keys(((await readStoreFiles(dataDir)) as StoreDocument).threads);

    const report = await store.archiveClosedPeriods(MARCH_10);
    expect(report.dormantThreads).toBe(1);
    expect(await hotThreads()).toEqual([active.thread.key]);
    // Filed under the UTC day of its last activity (March 10 − 31 days).
    expect(existsSync(threadArchiveFileOf(dataDir, "acme", "2025-02-07"))).toBe(true);
    expect(await store.getThread(idle.thread.key)).toEqual(idle.thread);
    expect(await store.getThread("acme/web/never-seen")).toBeUndefined();
    await store.close();

    const reopened = await open({ dataDir, dormantThreadDays: 30 });
    expect(await reopened.getThread(idle.thread.key)).toEqual(idle.thread);
    // The customer comes back: the thread is hot again, and the archived copy no longer answers.
    const back = makeThreadCommit({ thread: "idle", key: "idle-2", at: MARCH_10 + DAY, counted: false });
    await reopened.commitThread(back);
    expect(await reopened.getThread(idle.thread.key)).toEqual(back.thread);
    expect(await hotThreads()).toEqual(expect.arrayContaining([idle.thread.key, active.thread.key]));
    // Idle again later: filed under its new day.
    expect((await reopened.archiveClosedPeriods(MARCH_10 + 60 * DAY)).dormantThreads).toBe(2);
    expect(await hotThreads()).toEqual([]);
    expect(await reopened.getThread(idle.thread.key)).toEqual(back.thread);
    expect(await reopened.getThread(active.thread.key)).toEqual(active.thread);
  });

  it("forgets processed keys older than processedKeyRetentionDays (C11 retention)", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, processedKeyRetentionDays: 7 });
    const old = makeThreadCommit({ key: "old", at: MARCH_10 - 8 * DAY });
    const recent = makeThreadCommit({ key: "recent", at: MARCH_10 - 6 * DAY });
    await store.commitThread(old);
    await store.commitThread(recent);
    const report = await store.archiveClosedPeriods(MARCH_10);
    expect(report.processedKeysPruned).toBe(1);
    expect(await store.isProcessed(old.processed)).toBe(false);
    expect(await store.isProcessed(recent.processed)).toBe(true);
    await store.close();
    const reopened = await open({ dataDir });
    expect(await reopened.isProcessed(old.processed)).toBe(false);
    expect(await reopened.isProcessed(recent.processed)).toBe(true);
  });

  it("C11: opens a data directory written before keys were scoped by thread; its bare keys match nothing and go with the retention", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, processedKeyRetentionDays: 7 });
    const scoped = makeThreadCommit({ thread: "visitor-a", key: "m1", at: MARCH_10 - DAY });
    await store.commitThread(scoped);
    await store.close();
    // As an earlier build wrote them: keys bare under tenant and channel, in lutin.json and in the journal.
    const file = JSON.parse(readFileSync(join(dataDir, "lutin.json"), "utf8"));
    file.processed.acme.web.m2 = MARCH_10 - 2 * DAY;
    await writeFile(join(dataDir, "lutin.json"), JSON.stringify(file));
    await writeFile(
      join(dataDir, "lutin.json.journal"),
      `${JSON.stringify({ seq: (file.journalSeq ?? 0) + 1, changes: [["processed", "acme", "web", "m3", MARCH_10 - 2 * DAY]] })}\n`,
    );
    const reopened = await open({ dataDir, processedKeyRetentionDays: 7 });
    const inThread = (key: string) => ({ tenant: "acme", channel: "web", thread: "visitor-a", key });
    expect(await reopened.isProcessed(scoped.processed)).toBe(true);
    // A bare key is no thread's: it suppresses nothing, in the thread that sent it or in any other.
    expect(await reopened.isProcessed(inThread("m2"))).toBe(false);
    expect(await reopened.isProcessed(inThread("m3"))).toBe(false);
    // 7 days after they were committed they are pruned like any key; the scoped one, a day younger, stays.
    const report = await reopened.archiveClosedPeriods(MARCH_10 + 5 * DAY + DAY / 2);
    expect(report.processedKeysPruned).toBe(2);
    expect(await reopened.isProcessed(scoped.processed)).toBe(true);
    await reopened.close();
    expect(
      Object.keys(JSON.parse(readFileSync(join(dataDir, "lutin.json"), "utf8")).processed.acme.web),
    ).toEqual(["visitor-a/m1"]);
  });

  it("if an archive file cannot be written, nothing leaves the hot file", async () => {
    const dataDir = await temporaryDirectory();
    let failArchives = false;
    const store = await open(
      { dataDir, periodOf, ...CLOSED_ONLY },
      {
        writer: async (file, text) => {
          if (failArchives && file.includes(`${join(dataDir, "archive")}`)) {
            throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: "EACCES" });
          }
          await writeFileDurably(file, text);
        },
      },
    );
    await seed(store);
    const before = readFileSync(store.file, "utf8");
    failArchives = true;
    const error = await expectLutinError(store.archiveClosedPeriods(MARCH_10), "STORE_WRITE_FAILED");
    expect(error.message).toContain(join(dataDir, "archive"));
    expect(readFileSync(store.file, "utf8")).toBe(before);
    expect(await store.listLedger({ tenant: "acme", period: "2025-01-01" })).toHaveLength(30);
    failArchives = false;
    expect((await store.archiveClosedPeriods(MARCH_10)).periods).toHaveLength(2);
    expect(await store.listLedger({ tenant: "acme", period: "2025-01-01" })).toHaveLength(30);
  });

  it("keeps tenant ids that are not file names apart", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    for (const tenant of ["../escape", "Acme", "acme", ".hidden", "a/b"]) {
      const commit = makeThreadCommit({ tenant, key: `k-${tenant}`, period: "2025-01-01" });
      (commit.conversations[0] as ConversationRecord).endReason = "closed";
      await store.commitThread(commit);
    }
    const report = await store.archiveClosedPeriods(MARCH_10);
    const files = report.periods.map((period) => period.file);
    expect(new Set(files.map((file) => file.toLowerCase())).size).toBe(5);
    for (const file of files) expect(file.startsWith(join(dataDir, "archive"))).toBe(true);
    for (const tenant of ["../escape", "Acme", "acme", ".hidden", "a/b"]) {
      expect(await store.listLedger({ tenant })).toHaveLength(1);
      expect((await stat(archiveFileOf(dataDir, tenant, "2025-01-01"))).isFile()).toBe(true);
    }
  });
});

describe("lowdb store: archiving settled data of the running period", () => {
  const periodOf = (_tenant: string, at: number) => `${new Date(at).toISOString().slice(0, 7)}-01`;
  const NOW = Date.UTC(2025, 2, 20, 12);
  const PERIOD = "2025-03-01";

  /** Ended conversations of the running period: `settled` of them ended days ago, one 2 hours ago; one still open. */
  async function seedRunningPeriod(store: LowdbStore, settled = 20) {
    const old: ReturnType<typeof makeThreadCommit>[] = [];
    for (let index = 0; index < settled; index++) {
      const commit = makeThreadCommit({
        thread: `old-${index}`,
        key: `old-${index}`,
        period: PERIOD,
        at: Date.UTC(2025, 2, 2 + (index % 10), 9),
      });
      const conversation = commit.conversations[0] as ConversationRecord;
      conversation.endReason = index % 3 === 0 ? "closed" : "inactivity";
      conversation.endedAt = conversation.lastActivityAt + 30 * 60_000;
      if (index === 1) conversation.mergedInto = "conversation-old-0";
      await store.commitThread(commit);
      old.push(commit);
    }
    const recent = makeThreadCommit({
      thread: "recent",
      key: "recent",
      period: PERIOD,
      at: NOW - 3 * 3_600_000,
    });
    const recentConversation = recent.conversations[0] as ConversationRecord;
    recentConversation.endReason = "inactivity";
    recentConversation.endedAt = NOW - 2 * 3_600_000;
    await store.commitThread(recent);
    const open = makeThreadCommit({ thread: "open", key: "open", period: PERIOD, at: Date.UTC(2025, 2, 3) });
    await store.commitThread(open);
    return { old, recent, open };
  }

  const idsOnce = <T extends { id: string }>(rows: T[]) =>
    new Set(rows.map((row) => row.id)).size === rows.length;

  it("moves settled conversations and ledger rows of the running period out of the live file; reads return each once", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    const { old, recent, open: stillOpen } = await seedRunningPeriod(store);
    const conversationsBefore = await store.listConversations({ tenant: "acme" });
    const periodBefore = await store.listConversations({ tenant: "acme", period: PERIOD });
    const ledgerBefore = await store.listLedger({ tenant: "acme" });
    expect(conversationsBefore).toHaveLength(22);
    expect(ledgerBefore).toHaveLength(22);

    const report = await store.archiveSettled(NOW);
    expect(report.periods).toEqual([
      // The open conversation stays hot; its count row, recorded days ago, is settled.
      expect.objectContaining({ tenant: "acme", period: PERIOD, conversations: 20, ledger: 21 }),
    ]);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore / 2);
    const hot = readFileSync(store.file, "utf8");
    for (const commit of old) {
      expect(hot).not.toContain(`"${item(commit.conversations, 0).id}"`);
      expect(hot).not.toContain(`"${item(commit.ledger, 0).id}"`);
    }
    // Ended less than settledAfterHours ago, or still open: hot.
    expect(hot).toContain(`"${item(recent.conversations, 0).id}"`);
    expect(hot).toContain(`"${item(recent.ledger, 0).id}"`);
    expect(hot).toContain(`"${item(stillOpen.conversations, 0).id}"`);
    expect(existsSync(archiveFileOf(dataDir, "acme", PERIOD))).toBe(true);

    const sameAfter = async (reader: LowdbStore) => {
      const conversations = await reader.listConversations({ tenant: "acme" });
      expect(idsOnce(conversations)).toBe(true);
      expect(conversations).toEqual(conversationsBefore);
      expect(await reader.listConversations({ tenant: "acme", period: PERIOD })).toEqual(periodBefore);
      const ledger = await reader.listLedger({ tenant: "acme" });
      expect(idsOnce(ledger)).toBe(true);
      expect(ledger).toHaveLength(ledgerBefore.length);
      expect(new Set(ledger.map((row) => row.id))).toEqual(new Set(ledgerBefore.map((row) => row.id)));
      expect(await reader.listLedger({ tenant: "acme", period: PERIOD })).toHaveLength(22);
      const archived = item(item(old, 4).conversations, 0);
      expect(await reader.getConversation(archived.id)).toEqual(archived);
      expect(await reader.listConversations({ tenant: "acme", threadKey: archived.threadKey })).toEqual([
        archived,
      ]);
      // The inactivity sweep still finds the open conversation, from the live file.
      expect(
        await reader.listConversations({ tenant: "acme", openWithLastActivityBefore: Date.UTC(2025, 2, 10) }),
      ).toEqual(stillOpen.conversations);
      // Threads idle for the settled age are dormant; getThread still reads them.
      expect(await reader.getThread(item(old, 4).thread.key)).toEqual(item(old, 4).thread);
      expect(await reader.getThread(recent.thread.key)).toEqual(recent.thread);
    };
    await sameAfter(store);
    await store.close();
    await sameAfter(await open({ dataDir, periodOf }));
  });

  it("keeps a conversation ended less than settledAfterHours ago hot, and moves it once it is older", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf, settledAfterHours: 6 });
    const { recent } = await seedRunningPeriod(store, 2);
    const id = item(recent.conversations, 0).id;
    await store.archiveSettled(NOW);
    expect(readFileSync(store.file, "utf8")).toContain(`"${id}"`);
    // Ended at NOW − 2 h: settled 6 h later.
    await store.archiveSettled(NOW + 4 * 3_600_000 + 1);
    expect(readFileSync(store.file, "utf8")).not.toContain(`"${id}"`);
    expect(await store.getConversation(id)).toEqual(item(recent.conversations, 0));
    expect((await store.listConversations({ tenant: "acme", period: PERIOD })).map((c) => c.id)).toContain(
      id,
    );
  });

  it("a later commit that changes an archived conversation wins on reads, with no duplicate ledger rows", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    const { old } = await seedRunningPeriod(store);
    await store.archiveSettled(NOW);
    const conversation = item(item(old, 2).conversations, 0);
    const counted = item(item(old, 2).ledger, 0);
    const merged: ConversationRecord = {
      ...conversation,
      mergedInto: "elsewhere",
      counted: false,
      countedAt: null,
      countedBy: null,
      notCountedReason: "merged",
      ledgerGeneration: 2,
    };
    const reversal = makeLedgerEntry({
      id: `${conversation.id}:2`,
      conversationId: conversation.id,
      kind: "reversal",
      delta: -1,
      period: PERIOD,
      reverses: counted.id,
      reason: "merged",
      recordedAt: NOW + 60_000,
    });
    const late = makeThreadCommit({
      key: "late",
      thread: item(old, 2).thread.thread,
      counted: false,
      at: NOW,
    });
    await store.commitThread({ ...late, conversations: [merged], ledger: [reversal] });
    const check = async () => {
      expect(await store.getConversation(conversation.id)).toEqual(merged);
      const inPeriod = await store.listConversations({ tenant: "acme", period: PERIOD });
      expect(inPeriod.filter((c) => c.id === conversation.id)).toEqual([merged]);
      expect(idsOnce(await store.listConversations({ tenant: "acme" }))).toBe(true);
      const rows = await store.listLedger({ tenant: "acme", period: PERIOD });
      expect(rows).toHaveLength(23);
      expect(idsOnce(rows)).toBe(true);
      expect(rows.filter((row) => row.conversationId === conversation.id)).toEqual([counted, reversal]);
      expect(await store.getThread(late.thread.key)).toEqual(late.thread);
    };
    await check();
    // Settled in turn: merged into the archive file, the newer copy replacing the older.
    const again = await store.archiveSettled(NOW + 2 * DAY);
    expect(again.periods).toEqual([expect.objectContaining({ period: PERIOD, ledger: 2 })]);
    expect(readFileSync(store.file, "utf8")).not.toContain(`"${reversal.id}"`);
    await check();
    const file = JSON.parse(await readFile(archiveFileOf(dataDir, "acme", PERIOD), "utf8")) as {
      ledger: LedgerEntry[];
      conversations: ConversationRecord[];
    };
    expect(file.ledger).toHaveLength(23);
    expect(file.conversations.filter((c) => c.id === conversation.id)).toEqual([merged]);
  });

  it("C12: a ledger id archived from the running period is still refused", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    const { old } = await seedRunningPeriod(store);
    await store.archiveSettled(NOW);
    const taken = item(item(old, 7).ledger, 0);
    expect(readFileSync(store.file, "utf8")).not.toContain(`"${taken.id}"`);
    const check = async (reader: LowdbStore) => {
      const rowsBefore = (await reader.listLedger({ tenant: "acme", period: PERIOD })).length;
      const duplicate = makeThreadCommit({ key: "duplicate", period: PERIOD, at: NOW });
      duplicate.ledger = [{ ...taken }];
      await expectLutinError(reader.commitThread(duplicate), "LEDGER_ENTRY_EXISTS");
      expect(await reader.isProcessed(duplicate.processed)).toBe(false);
      expect(await reader.listLedger({ tenant: "acme", period: PERIOD })).toHaveLength(rowsBefore);
      // A new id of the same period is taken as usual.
      await reader.commitThread(
        makeThreadCommit({ key: `fresh-${reader === store}`, period: PERIOD, at: NOW }),
      );
    };
    await check(store);
    await store.close();
    const reopened = await open({ dataDir, periodOf });
    await reopened.archiveSettled(NOW);
    await check(reopened);
  });

  /** Sum of listLedger's rows by mode: what ledgerTotals must equal. */
  async function summedLedger(reader: LowdbStore, period = PERIOD) {
    const totals = { ai: 0, human: 0 };
    for (const entry of await reader.listLedger({ tenant: "acme", period }))
      totals[entry.mode] += entry.delta;
    return totals;
  }

  /** A reversal (C13) of an archived row, recorded now: hot again in an archived period. */
  function lateReversal(of: LedgerEntry, key: string) {
    const commit = makeThreadCommit({ key, period: PERIOD, at: NOW, counted: false });
    commit.ledger = [
      {
        ...of,
        id: `${of.id}:reversal`,
        kind: "reversal",
        delta: -1,
        reverses: of.id,
        reason: "merged",
        recordedAt: NOW,
      },
    ];
    return commit;
  }

  it("ledgerTotals after archiving equals the listLedger sum, and reads no archive file", async () => {
    const dataDir = await temporaryDirectory();
    // No archive cache: any archive read would be real, and counted.
    const store = await open({ dataDir, periodOf }, { archiveCacheSize: 0 });
    const { old } = await seedRunningPeriod(store);
    const human = makeThreadCommit({
      thread: "human",
      key: "human",
      period: PERIOD,
      at: Date.UTC(2025, 2, 4),
    });
    human.ledger = [makeLedgerEntry({ period: PERIOD, mode: "human", recordedAt: Date.UTC(2025, 2, 4) })];
    await store.commitThread(human);
    await store.archiveSettled(NOW);
    await store.commitThread(lateReversal(item(item(old, 4).ledger, 0), "late-1"));

    const check = async (reader: LowdbStore, expected: { ai: number; human: number }) => {
      const reads = reader.stats().archiveFileReads;
      const totals = await reader.ledgerTotals({ tenant: "acme", period: PERIOD });
      expect(reader.stats().archiveFileReads).toBe(reads);
      expect(totals).toEqual(expected);
      expect(totals).toEqual(await summedLedger(reader));
      expect(await reader.ledgerTotals({ tenant: "acme", period: "2025-02-01" })).toEqual({
        ai: 0,
        human: 0,
      });
    };
    // 22 counted conversations less one reversal; one human row.
    await check(store, { ai: 21, human: 1 });
    // Archived again: the late reversal is merged into the existing archive file.
    await store.commitThread(lateReversal(item(item(old, 5).ledger, 0), "late-2"));
    expect((await store.archiveSettled(NOW + 2 * DAY)).periods).toHaveLength(1);
    await check(store, { ai: 20, human: 1 });
    await store.close();

    // The C12 check of a fresh process reads only the compact ids file: the big one can be unreadable.
    const reopened = await open({ dataDir, periodOf }, { archiveCacheSize: 0 });
    await check(reopened, { ai: 20, human: 1 });
    await writeFile(archiveFileOf(dataDir, "acme", PERIOD), "not an archive");
    const duplicate = makeThreadCommit({ key: "duplicate", period: PERIOD, at: NOW });
    duplicate.ledger = [{ ...item(item(old, 9).ledger, 0) }];
    await expectLutinError(reopened.commitThread(duplicate), "LEDGER_ENTRY_EXISTS");
    await reopened.commitThread(makeThreadCommit({ key: "fresh", period: PERIOD, at: NOW }));
    const totals = await reopened.ledgerTotals({ tenant: "acme", period: PERIOD });
    expect(totals).toEqual({ ai: 21, human: 1 });
  });

  it("ledgerTotals counts once a row left both hot and archived by a failed live write", async () => {
    const dataDir = await temporaryDirectory();
    let failLiveFile = false;
    const store = await open(
      { dataDir, periodOf },
      {
        writer: async (file, text) => {
          if (failLiveFile && file.endsWith("lutin.json")) {
            throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), {
              code: "ENOSPC",
            });
          }
          await writeFileDurably(file, text);
        },
      },
    );
    const { old } = await seedRunningPeriod(store);
    await store.archiveSettled(NOW);
    // More settled rows; their archive run writes the archive files, then fails on the live file.
    await store.commitThread(lateReversal(item(item(old, 2).ledger, 0), "late-1"));
    failLiveFile = true;
    await expectLutinError(store.archiveSettled(NOW + 2 * DAY), "STORE_WRITE_FAILED");
    failLiveFile = false;
    const archived = JSON.parse(await readFile(archiveFileOf(dataDir, "acme", PERIOD), "utf8")) as {
      ledger: LedgerEntry[];
    };
    expect(archived.ledger.some((entry) => entry.kind === "reversal")).toBe(true);
    expect(await durableText(dataDir)).toContain(":reversal");
    const expected = { ai: 21, human: 0 };
    expect(await store.ledgerTotals({ tenant: "acme", period: PERIOD })).toEqual(expected);
    expect(await summedLedger(store)).toEqual(expected);
    await store.archiveSettled(NOW + 2 * DAY);
    expect(readFileSync(store.file, "utf8")).not.toContain(":reversal");
    expect(await store.ledgerTotals({ tenant: "acme", period: PERIOD })).toEqual(expected);
    expect(await summedLedger(store)).toEqual(expected);
  });

  it("reads a live file written before archived totals and ids files were kept", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    const { old } = await seedRunningPeriod(store);
    await store.archiveSettled(NOW);
    await store.commitThread(lateReversal(item(item(old, 3).ledger, 0), "late-1"));
    await store.close();
    // The previous shape: no archivedLedgerTotals in lutin.json, no ledger-ids files.
    const live = JSON.parse(readFileSync(join(dataDir, "lutin.json"), "utf8")) as Record<string, unknown>;
    expect(live.archivedLedgerTotals).toBeDefined();
    delete live.archivedLedgerTotals;
    await writeFile(join(dataDir, "lutin.json"), JSON.stringify(live));
    await rm(join(dataDir, "archive", "acme", "ledger-ids"), { recursive: true });

    const reopened = await open({ dataDir, periodOf });
    const expected = { ai: 21, human: 0 };
    expect(await reopened.ledgerTotals({ tenant: "acme", period: PERIOD })).toEqual(expected);
    expect(await summedLedger(reopened)).toEqual(expected);
    const duplicate = makeThreadCommit({ key: "duplicate", period: PERIOD, at: NOW });
    duplicate.ledger = [{ ...item(item(old, 7).ledger, 0) }];
    await expectLutinError(reopened.commitThread(duplicate), "LEDGER_ENTRY_EXISTS");
    // The totals are kept from then on.
    await reopened.flush();
    await reopened.commitThread(makeThreadCommit({ key: "fresh", period: PERIOD, at: NOW }));
    await reopened.close();
    const again = await open({ dataDir, periodOf });
    const reads = again.stats().archiveFileReads;
    expect(await again.ledgerTotals({ tenant: "acme", period: PERIOD })).toEqual({ ai: 22, human: 0 });
    expect(again.stats().archiveFileReads).toBe(reads);
  });

  it("refuses archivedLedgerTotals that are not { ai, human } numbers with STORE_CORRUPT", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, periodOf });
    await seedRunningPeriod(store, 3);
    await store.archiveSettled(NOW);
    await store.close();
    const live = JSON.parse(readFileSync(join(dataDir, "lutin.json"), "utf8")) as Record<string, unknown>;
    live.archivedLedgerTotals = { acme: { [PERIOD]: { ai: "3" } } };
    await writeFile(join(dataDir, "lutin.json"), JSON.stringify(live));
    await expectLutinError(open({ dataDir, periodOf }), "STORE_CORRUPT");
  });

  it("refuses settledAfterHours under 1 with CONFIG_INVALID", async () => {
    const error = await expectLutinError(
      open({ dataDir: await temporaryDirectory(), settledAfterHours: 0.5 }),
      "CONFIG_INVALID",
    );
    expect(error.message).toContain("settledAfterHours");
  });
});

describe("lowdb store: kill -9", () => {
  it("loses no acknowledged commit and leaves a readable file, whenever the process is killed", async () => {
    const dataDir = await temporaryDirectory();
    const acknowledged: string[] = [];
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      const run = runFixture("commit-loop.ts", [dataDir, String(round)]);
      await firstLine(run, (line) => line === "ready");
      await delay(20 + Math.floor(Math.random() * 281));
      run.child.kill("SIGKILL");
      await once(run.child, "exit");
      expect(run.child.signalCode).toBe("SIGKILL");
      for (const line of run.lines) if (line.startsWith("ack ")) acknowledged.push(line.slice(4));
    }
    expect(acknowledged.length).toBeGreaterThan(rounds);

    const text = await readFile(join(dataDir, "lutin.json"), "utf8");
    expect(() => JSON.parse(text)).not.toThrow();
    const store = await open({ dataDir });
    const ledgerIds = await ledgerIdsOf(store, "acme");
    const missing: string[] = [];
    for (const key of acknowledged) {
      const present =
        // The thread commit-loop.ts commits each worker's keys in: `kill-r<round>-w<worker>`.
        (await store.isProcessed({
          tenant: "acme",
          channel: "web",
          thread: `kill-${key.slice(0, key.lastIndexOf("-"))}`,
          key,
        })) &&
        ledgerIds.has(`conversation-${key}:1`) &&
        (await store.getConversation(`conversation-${key}`)) !== undefined;
      if (!present) missing.push(key);
    }
    expect(missing).toEqual([]);
  }, 180_000);
});

describe("lowdb store: dormant threads under kill -9", () => {
  it("loses no acknowledged thread write and never answers with a stale copy, whenever the process is killed mid archive run", async () => {
    const dataDir = await temporaryDirectory();
    /** Thread key → the key of its last acknowledged commit, and the commits acknowledged per thread in order. */
    const acknowledged = new Map<string, string[]>();
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const run = runFixture("dormant-loop.ts", [dataDir, String(round)]);
      await firstLine(run, (line) => line === "ready");
      await delay(60 + Math.floor(Math.random() * 240));
      run.child.kill("SIGKILL");
      await once(run.child, "exit");
      expect(run.child.signalCode, run.stderr()).toBe("SIGKILL");
      for (const line of run.lines) {
        const [word, threadKey, key] = line.split(" ");
        if (word !== "ack" || threadKey === undefined || key === undefined) continue;
        const keys = acknowledged.get(threadKey) ?? [];
        keys.push(key);
        acknowledged.set(threadKey, keys);
      }
    }
    expect(acknowledged.size).toBeGreaterThan(4);

    const store = await open({ dataDir, dormantThreadDays: 1, settledAfterHours: 1 });
    const stale: string[] = [];
    for (const [threadKey, keys] of acknowledged) {
      const thread = await store.getThread(threadKey);
      // The newest acknowledged commit, or a later one that reached the disk unacknowledged.
      const found = thread?.events[0]?.key;
      const last = keys[keys.length - 1] as string;
      const [foundRound, foundWorker, foundN] = (found ?? "r-1-w-1--1").slice(1).split(/-w|-/).map(Number);
      const [lastRound, , lastN] = last.slice(1).split(/-w|-/).map(Number);
      const newer =
        found !== undefined &&
        foundWorker !== undefined &&
        ((foundRound as number) > (lastRound as number) ||
          (foundRound === lastRound && (foundN as number) >= (lastN as number)));
      if (!newer) stale.push(`${threadKey}: last acknowledged ${last}, read ${found ?? "nothing"}`);
    }
    expect(stale).toEqual([]);
    // Some threads really went dormant and came back along the way.
    expect(existsSync(dormantThreadsFileOf(dataDir))).toBe(true);
  }, 180_000);
});

describe("lowdb store: dormant thread index", () => {
  const MARCH_10 = Date.UTC(2025, 2, 10);
  it("is not in lutin.json, so group commits do not rewrite it; the index file survives reopening", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, dormantThreadDays: 30 });
    const idle = makeThreadCommit({ thread: "idle", key: "idle-1", at: MARCH_10 - 31 * DAY });
    await store.commitThread(idle);
    expect((await store.archiveClosedPeriods(MARCH_10)).dormantThreads).toBe(1);
    const live = JSON.parse(readFileSync(store.file, "utf8")) as StoreDocument;
    expect(live.dormantThreads).toEqual({});
    const index = JSON.parse(readFileSync(dormantThreadsFileOf(dataDir), "utf8")) as {
      threads: Record<string, unknown>;
    };
    expect(index.threads).toEqual({ [idle.thread.key]: ["acme", "2025-02-07"] });
    await store.close();
    const reopened = await open({ dataDir, dormantThreadDays: 30 });
    expect(await reopened.getThread(idle.thread.key)).toEqual(idle.thread);
  });

  it("moves the index of a file written by an earlier build out of lutin.json at open", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir, dormantThreadDays: 30 });
    const idle = makeThreadCommit({ thread: "idle", key: "idle-1", at: MARCH_10 - 31 * DAY });
    await store.commitThread(idle);
    await store.archiveClosedPeriods(MARCH_10);
    await store.close();
    // As an earlier build left it: the index inside lutin.json, no index file.
    const document = JSON.parse(readFileSync(store.file, "utf8")) as StoreDocument;
    document.dormantThreads = { [idle.thread.key]: ["acme", "2025-02-07"] };
    await writeFile(store.file, JSON.stringify(document));
    await rm(dormantThreadsFileOf(dataDir));

    const reopened = await open({ dataDir, dormantThreadDays: 30 });
    expect(await reopened.getThread(idle.thread.key)).toEqual(idle.thread);
    expect(existsSync(dormantThreadsFileOf(dataDir))).toBe(true);
    await reopened.commitThread(makeThreadCommit({ thread: "other", key: "other-1", at: MARCH_10 }));
    expect((JSON.parse(readFileSync(store.file, "utf8")) as StoreDocument).dormantThreads).toEqual({});
    await reopened.close();
    const again = await open({ dataDir, dormantThreadDays: 30 });
    expect(await again.getThread(idle.thread.key)).toEqual(idle.thread);
  });

  it("a corrupt index file is STORE_CORRUPT at open, never an empty index", async () => {
    const dataDir = await temporaryDirectory();
    await mkdir(join(dataDir, "archive"), { recursive: true });
    await writeFile(
      dormantThreadsFileOf(dataDir),
      '{"format":"lutingenie-dormant-threads","version":1,"threads":{"a":1}}',
    );
    await expectLutinError(openLowdbStore({ dataDir }), "STORE_CORRUPT");
  });
});

describe("lowdb store: journal", () => {
  it("after the first write, a group commit appends one journal line instead of rewriting lutin.json", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    await store.commitThread(makeThreadCommit({ key: "first" }));
    const snapshot = readFileSync(store.file, "utf8");
    for (let index = 0; index < 5; index++)
      await Promise.all([
        store.commitThread(makeThreadCommit({ key: `a${index}` })),
        store.commitThread(makeThreadCommit({ key: `b${index}` })),
      ]);
    expect(readFileSync(store.file, "utf8")).toBe(snapshot);
    const lines = readFileSync(`${store.file}.journal`, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.every((line) => processedIn(line, "a0") === (line === lines[0]))).toBe(true);
    expect(store.stats()).toMatchObject({ fileWrites: 6, snapshotWrites: 1 });
    const durable = (await readStoreFiles(dataDir)) as StoreDocument;
    expect(Object.keys(durable.processed.acme?.web ?? {})).toHaveLength(11);
    expect(durable.ledger).toHaveLength(11);
  });

  it("journals an appended event alone, and replays appends (in one group commit or several) to the same records", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    const first = makeThreadCommit({ tenant: "acme", thread: "long", key: "e0" });
    await store.commitThread(first);
    const appendOf = async (key: string, at: number) => {
      const previous = await store.readThread(first.thread.key);
      const commit = makeThreadCommit({ tenant: "acme", thread: "long", key, at });
      return store.appendToThread({
        previous,
        identity: commit.thread,
        event: commit.thread.events[0] as StoredEvent,
        state: commit.thread.state,
        verdicts: previous?.verdicts ?? {},
        conversations: commit.conversations,
        ledger: commit.ledger,
        processed: commit.processed,
      });
    };
    for (let index = 1; index <= 3; index++)
      expect(await appendOf(`e${index}`, BUILDER_TIME + index)).toBe(true);
    const lines = readFileSync(`${store.file}.journal`, "utf8").trimEnd().split("\n");
    // Each line carries the new event, not the thread's whole log.
    for (const line of lines) {
      const [change] = (JSON.parse(line) as { changes: unknown[][] }).changes;
      expect(change?.[0]).toBe("append");
      expect(change?.[1]).toEqual({ key: first.thread.key, tenant: "acme", channel: "web", thread: "long" });
    }
    // A whole put after an append in the same group commit wins over it.
    const replaced = makeThreadCommit({ tenant: "acme", thread: "long", key: "e5", at: BUILDER_TIME + 5 });
    await Promise.all([appendOf("e4", BUILDER_TIME + 4), store.commitThread(replaced)]);
    const replayed = (await readStoreFiles(dataDir)) as StoreDocument;
    expect(replayed.threads[first.thread.key]).toEqual(await store.getThread(first.thread.key));
    expect(replayed.ledger).toEqual(await store.listLedger({ tenant: "acme" }));
    await store.close();
    const reopened = await open({ dataDir });
    expect(await reopened.getThread(first.thread.key)).toEqual(replayed.threads[first.thread.key]);
  });

  it("writes a conversation that is the thread's current one once, as a reference, and replays it to the same records", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    const first = makeThreadCommit({ tenant: "acme", thread: "t", key: "e0" });
    await store.commitThread(first);
    const previous = await store.readThread(first.thread.key);
    const next = makeThreadCommit({ tenant: "acme", thread: "t", key: "e1", at: BUILDER_TIME + 1 });
    // One group commit: an append, a whole put of another thread, and a conversation that is neither's.
    const other = makeThreadCommit({ tenant: "acme", thread: "u", key: "f0" });
    const loose = makeThreadCommit({ tenant: "acme", thread: "v", key: "g0" });
    await Promise.all([
      store.appendToThread({
        previous,
        identity: next.thread,
        event: next.thread.events[0] as StoredEvent,
        state: next.thread.state,
        verdicts: previous?.verdicts ?? {},
        conversations: next.conversations,
        ledger: next.ledger,
        processed: next.processed,
      }),
      store.commitThread(other),
      store.commitThread({
        ...loose,
        thread: { ...loose.thread, state: { ...loose.thread.state, current: null } },
      }),
    ]);
    const [line] = readFileSync(`${store.file}.journal`, "utf8").trimEnd().split("\n");
    const changes = (JSON.parse(line as string) as { changes: unknown[][] }).changes;
    expect(changes.filter((change) => change[0] === "conversation-of")).toEqual([
      ["conversation-of", first.thread.key, "current"],
      ["conversation-of", other.thread.key, "current"],
    ]);
    // The conversation no thread state holds is written whole.
    expect(changes.filter((change) => change[0] === "conversation")).toHaveLength(1);
    const replayed = (await readStoreFiles(dataDir)) as StoreDocument;
    for (const id of [next.conversations[0]?.id, other.conversations[0]?.id, loose.conversations[0]?.id])
      expect(replayed.conversations[id as string]).toEqual(await store.getConversation(id as string));
    expect(replayed.threads[first.thread.key]).toEqual(await store.getThread(first.thread.key));
    await store.close();
    const reopened = await open({ dataDir });
    expect(await reopened.listConversations({ tenant: "acme" })).toEqual(
      Object.values(replayed.conversations).sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1)),
    );
    await reopened.close();

    // A reference to a thread the journal never wrote is damage, not a conversation to invent.
    await writeFile(
      `${store.file}.journal`,
      `${JSON.stringify({ seq: 1_000_000, changes: [["conversation-of", "acme/web/nobody", "current"]] })}\n`,
    );
    const error = await expectLutinError(open({ dataDir }), "STORE_CORRUPT");
    expect(error.message).toContain("conversation-of");
  });

  it("a crash between the snapshot's rename and the journal's truncation replays nothing twice", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    await store.commitThread(makeThreadCommit({ key: "first" }));
    await store.commitThread(makeThreadCommit({ key: "second" }));
    await store.putTenant(makeTenant({ id: "acme" }));
    const journal = readFileSync(`${store.file}.journal`);
    expect(journal.byteLength).toBeGreaterThan(0);
    await store.close(); // snapshot, then the journal emptied
    expect(readFileSync(`${store.file}.journal`).byteLength).toBe(0);
    // As if the process died before emptying it: the lines are all in the snapshot already.
    await writeFile(`${store.file}.journal`, journal);
    const reopened = await open({ dataDir });
    expect(await reopened.listLedger({ tenant: "acme" })).toHaveLength(2);
    const third = makeThreadCommit({ key: "third" });
    await reopened.commitThread(third);
    const again = await (async () => {
      await reopened.close();
      return open({ dataDir });
    })();
    expect(await again.listLedger({ tenant: "acme" })).toHaveLength(3);
    expect(await again.isProcessed(third.processed)).toBe(true);
  });

  it("drops a last line cut by a crash, and refuses a damaged line with STORE_CORRUPT naming the journal", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    await store.commitThread(makeThreadCommit({ key: "first" }));
    const firstSnapshot = readFileSync(store.file);
    await store.commitThread(makeThreadCommit({ key: "second" }));
    const third = makeThreadCommit({ key: "third" });
    await store.commitThread(third);
    const journalFile = `${store.file}.journal`;
    const whole = readFileSync(journalFile, "utf8");
    await store.close();
    // What a crash would have left: the first snapshot, two whole lines and a cut third one.
    await writeFile(store.file, firstSnapshot);
    await writeFile(journalFile, `${whole}{"seq":3,"changes":[["processed","acme","web","t/cut"`);
    const { lines } = parseJournal(journalFile, readFileSync(journalFile), 0);
    expect(lines.map((line) => line.seq)).toEqual([1, 2]);
    const reopened = await open({ dataDir });
    expect(await reopened.isProcessed(third.processed)).toBe(true);
    expect(await reopened.isProcessed({ tenant: "acme", channel: "web", thread: "t", key: "cut" })).toBe(
      false,
    );
    expect(await reopened.listLedger({ tenant: "acme" })).toHaveLength(3);
    await reopened.close();

    await writeFile(journalFile, `{"seq":1000000,"changes":[["thread",1]]}\n`);
    const error = await expectLutinError(open({ dataDir }), "STORE_CORRUPT");
    expect(error.message).toContain(journalFile);
    expect(error.hint).toContain("move");
  });
});

describe("lowdb store: incremental serialisation", () => {
  const PROTO: string = "__proto__";

  function expectSameText(document: StoreDocument): void {
    const text = storeDocumentText(document);
    expect(text).toBe(JSON.stringify(document));
    expect(parseStoreDocument("lutin.json", text)).toEqual(document);
  }

  it("writes the text JSON.stringify gives, with every collection populated, after updates and deletions, with `__proto__` keys", () => {
    const state = new StoreState();
    const document = state.document;
    const commits = [
      makeThreadCommit({ tenant: "__proto__", channel: "__proto__", key: "__proto__" }),
      makeThreadCommit({ tenant: "acme", channel: "web", key: 'quote " and \\ and \u2028' }),
      makeThreadCommit({ tenant: "acme", channel: "mail", counted: false }),
    ];
    const first = commits[0];
    if (first === undefined) throw new Error("no commit");
    first.thread = { ...first.thread, key: "__proto__" };
    const conversation = first.conversations[0];
    if (conversation === undefined) throw new Error("no conversation");
    first.conversations = [{ ...conversation, id: "__proto__" }];
    for (const commit of commits) {
      state.checkCommit(commit);
      state.applyCommit(commit);
    }
    state.putTenant(makeTenant({ id: "__proto__" }));
    state.putTenant(makeTenant({ id: "acme" }));
    state.putPack(makePack({ id: "__proto__", tenant: "acme" }));
    state.putPack(makePack({ id: "pack-2", tenant: "acme" }));
    state.addAlert(makeFiredAlert({ tenant: "acme" }));
    document.archived[PROTO] = ["2024-12-01"];
    document.archived.acme = ["2024-11-01", "2024-12-01"];
    document.dormantThreads[PROTO] = ["acme", "2024-12-31"];
    document.dormantThreads.old = ["acme", "2024-12-30"];
    document.archivedLedgerTotals[PROTO] = dictionary({ "2024-12-01": { ai: 1, human: 2 } });
    for (const field of Object.keys(document) as Array<keyof StoreDocument>) {
      const value = document[field];
      if (typeof value === "object") expect(Object.keys(value).length, field).toBeGreaterThan(0);
    }
    expectSameText(document);
    expectSameText(document); // from the cache

    // Updates replace records, deletions remove them; the text follows.
    const again = makeThreadCommit({ tenant: "acme", channel: "web", thread: commits[1]?.thread.thread });
    state.applyCommit(again);
    state.upsertConversations([
      { ...conversation, id: "__proto__", lastActivityAt: conversation.lastActivityAt + 1 },
    ]);
    state.putTenant(makeTenant({ id: "__proto__", name: "renamed" }));
    state.putPack(makePack({ id: "__proto__", tenant: "acme", size: 7 }));
    state.addAlert(makeFiredAlert({ tenant: "acme", threshold: 100 }));
    delete document.threads[PROTO];
    delete document.packs["pack-2"];
    delete document.dormantThreads.old;
    document.dormantThreads[PROTO] = ["acme", "2025-01-01"];
    document.ledger = document.ledger.slice(1);
    document.archivedLedgerTotals[PROTO] = dictionary({ "2024-12-01": { ai: 3, human: 4 } });
    state.pruneProcessed(Number.POSITIVE_INFINITY);
    state.applyCommit(makeThreadCommit({ tenant: "__proto__", channel: "__proto__", key: "constructor" }));
    state.reset(document);
    expectSameText(document);
    expectSameText(emptyDocument());
  });

  it("the file a store writes reads back to its state, and equals JSON.stringify of it", async () => {
    const dataDir = await temporaryDirectory();
    const store = await open({ dataDir });
    await store.commitThread(makeThreadCommit({ tenant: "__proto__", key: "__proto__" }));
    await store.putTenant(makeTenant({ id: "__proto__" }));
    await store.commitThread(makeThreadCommit({ tenant: "__proto__", key: "second" }));
    // From the journal, as a crash would leave it.
    const replayed = (await readStoreFiles(dataDir)) as StoreDocument;
    expect(Object.keys(replayed.tenants)).toEqual([PROTO]);
    expect(replayed.ledger).toHaveLength(2);
    await store.close();
    // From the whole file a clean stop writes.
    const text = await readFile(join(dataDir, "lutin.json"), "utf8");
    const document = parseStoreDocument("lutin.json", text);
    expect(JSON.stringify(document)).toBe(text);
    expect(Object.keys(document.tenants)).toEqual([PROTO]);
    expect(Object.keys(document.processed)).toEqual([PROTO]);
    expect(document.ledger).toHaveLength(2);
  });
});
