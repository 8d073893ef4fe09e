import { randomUUID } from "node:crypto";
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { LutinError } from "../errors.js";
import { syncDirectory } from "./durable-file.js";
import { errorCode } from "./errors.js";

/*
 * One process per data directory: two processes rewriting one lowdb file lose each other's updates
 * (ARCHITECTURE.md, known limits). The lock is a file created with O_EXCL holding the owner's pid and
 * start time. A lock whose pid is dead is stale (the owner was killed) and is taken over. The start
 * time tells this process apart from an earlier one that had the same pid: in a container the server
 * is often pid 1 in every incarnation, and a restart after a crash must not find itself locked out.
 */

export const LOCK_FILE_NAME = "lutin.lock";

/** Approximately when this process started; the same in every module copy and worker of the process. */
const PROCESS_STARTED_AT = Math.round(Date.now() - process.uptime() * 1000);
const SAME_PROCESS_TOLERANCE_MS = 1_000;
/** A lock file with no pid yet is being written by its creator; after this long it is debris. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

export interface StoreLock {
  readonly file: string;
  release(): Promise<void>;
}

interface Holder {
  text: string;
  pid: number | null;
  startedAt: number | null;
  ageMs: number;
}

function parsePositiveInteger(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errorCode(error) === "EPERM";
  }
}

async function readHolder(file: string): Promise<Holder | null> {
  try {
    const [text, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    const [pidLine, startedLine] = text.split("\n");
    return {
      text,
      pid: parsePositiveInteger(pidLine),
      startedAt: parsePositiveInteger(startedLine),
      ageMs: Date.now() - info.mtimeMs,
    };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

function locked(dataDir: string, file: string, pid: number | null, sameProcess: boolean): LutinError {
  if (sameProcess) {
    return new LutinError(
      "STORE_LOCKED",
      `the data directory ${dataDir} is already open in this process (pid ${pid})`,
      {
        hint: "close the store that has it open first, or use another LUTIN_DATA_DIR",
        details: { dataDir, pid, lockFile: file },
      },
    );
  }
  const who = pid === null ? "another process (its lock file is being written)" : `process ${pid}`;
  return new LutinError("STORE_LOCKED", `the data directory ${dataDir} is in use by ${who}`, {
    hint:
      `stop the other LutinGénie process${pid === null ? "" : ` (pid ${pid})`}, or set LUTIN_DATA_DIR to another directory; ` +
      `if that process is not LutinGénie, delete ${file}`,
    details: { dataDir, pid, lockFile: file },
  });
}

/**
 * Moves a stale lock aside and deletes it, unless it changed since it was judged stale (someone took it
 * over meanwhile): then it is put back. Renaming first means two processes taking over the same stale
 * lock cannot both succeed.
 */
async function takeOver(file: string, staleText: string): Promise<void> {
  const aside = `${file}.${process.pid}.${randomUUID()}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  const text = await readFile(aside, "utf8").catch(() => null);
  if (text !== staleText) {
    try {
      await link(aside, file);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") await rename(aside, file).catch(() => undefined);
    }
  }
  await unlink(aside).catch(() => undefined);
}

export interface StoreLockHolder {
  file: string;
  /** Null while its creator is still writing it. */
  pid: number | null;
  /** False for a stale lock (its process is gone, e.g. killed): the next opener takes it over. */
  live: boolean;
}

/**
 * Who holds the data directory's lock, without taking it (tools that only read, such as `lutin audit`);
 * null when nobody does. A lock held by this very process counts as live.
 */
export async function readStoreLock(dataDir: string): Promise<StoreLockHolder | null> {
  const file = join(dataDir, LOCK_FILE_NAME);
  const holder = await readHolder(file);
  if (holder === null) return null;
  const live = holder.pid === null ? holder.ageMs < UNREADABLE_LOCK_GRACE_MS : isProcessAlive(holder.pid);
  return { file, pid: holder.pid, live };
}

/**
 * Takes the data directory's lock or throws STORE_LOCKED. Other fs errors (EACCES, EROFS, ...) are
 * thrown as they are, for the caller to report.
 */
export async function acquireStoreLock(dataDir: string): Promise<StoreLock> {
  const file = join(dataDir, LOCK_FILE_NAME);
  const content = `${process.pid}\n${PROCESS_STARTED_AT}\n`;
  for (let attempt = 0; attempt < 20; attempt++) {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(file, "wx");
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
      const holder = await readHolder(file);
      if (holder === null) continue;
      if (holder.pid === null) {
        if (holder.ageMs < UNREADABLE_LOCK_GRACE_MS) throw locked(dataDir, file, null, false);
      } else if (holder.pid === process.pid) {
        const sameProcess =
          holder.startedAt !== null &&
          Math.abs(holder.startedAt - PROCESS_STARTED_AT) <= SAME_PROCESS_TOLERANCE_MS;
        if (sameProcess) throw locked(dataDir, file, holder.pid, true);
      } else if (isProcessAlive(holder.pid)) {
        throw locked(dataDir, file, holder.pid, false);
      }
      await takeOver(file, holder.text);
      continue;
    }
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(file).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await syncDirectory(dataDir);
    return {
      file,
      async release() {
        const text = await readFile(file, "utf8").catch(() => null);
        // Never remove a lock that is no longer ours.
        if (text !== content) return;
        await unlink(file).catch(() => undefined);
        await syncDirectory(dataDir).catch(() => undefined);
      },
    };
  }
  throw locked(dataDir, file, null, false);
}
