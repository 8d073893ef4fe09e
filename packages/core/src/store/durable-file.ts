import { chmod, type FileHandle, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Adapter } from "lowdb";
import { errorCode } from "./errors.js";

/*
 * lowdb's TextFile writes through steno, which writes a temp file and renames it over the data file:
 * a reader never sees a half-written file, and a killed process leaves the old file intact. It does
 * not fsync (neither the temp file before the rename nor the directory after it), so after a power
 * loss or OS crash an acknowledged write can vanish or the renamed file can be empty. Steno offers no
 * hook to fsync before its rename, so this module does the same temp + rename with the fsyncs added;
 * lowdb's `Low` and its Adapter contract are used as they are.
 */

/**
 * Writes `text` to `file` as one atomic, durable replacement; with `mode`, the new file has exactly those
 * permission bits (0o600 for a file holding secrets).
 */
export type TextWriter = (file: string, text: string, mode?: number) => Promise<void>;

export function tempFileOf(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}

/** fsync a directory so a rename or a new entry in it survives a crash; not possible on Windows. */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Windows may refuse a rename while an antivirus or indexer holds the file: retry, as steno does. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = errorCode(error);
      const transient =
        process.platform === "win32" && (code === "EPERM" || code === "EBUSY" || code === "EACCES");
      if (!transient || attempt >= 9) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Temp file, write, fsync, rename over `file`, fsync the directory. */
export const writeFileDurably: TextWriter = (file, text, mode) =>
  replaceFileDurably(file, (handle) => handle.writeFile(text, "utf8"), mode);

/**
 * Writes a whole new file next to `file` (temp file, fsync), renames it over `file` and fsyncs the
 * directory: a crash leaves either the old file or the new one, never a mix.
 */
async function replaceFileDurably(
  file: string,
  write: (handle: FileHandle) => Promise<void>,
  mode?: number,
): Promise<void> {
  const temp = tempFileOf(file);
  try {
    const handle = await open(temp, "w", mode);
    try {
      // A temp file left by a crash keeps its old mode through open(): set it before any byte is written.
      if (mode !== undefined) await handle.chmod(mode);
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, file);
  } catch (error) {
    // A partial temp file (ENOSPC) would only take more of the missing space.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}

/** Pieces per writev call: well over the system's IOV_MAX (libuv splits), well under a costly array. */
const PIECES_PER_WRITE = 4096;

/** Writes every byte of `pieces` at the handle's position, in order. */
async function writePieces(handle: FileHandle, pieces: readonly Uint8Array[]): Promise<void> {
  for (let start = 0; start < pieces.length; start += PIECES_PER_WRITE) {
    const chunk = pieces.slice(start, start + PIECES_PER_WRITE);
    let expected = 0;
    for (const piece of chunk) expected += piece.byteLength;
    const { bytesWritten } = await handle.writev(chunk);
    // A short write (not seen on regular files, but allowed): the rest, in one buffer.
    if (bytesWritten < expected) await handle.write(Buffer.concat(chunk).subarray(bytesWritten));
  }
}

/** writeFileDurably for content given as pieces (written with writev, never joined in memory). */
export function writePiecesDurably(
  file: string,
  pieces: readonly Uint8Array[],
  mode?: number,
): Promise<void> {
  return replaceFileDurably(file, (handle) => writePieces(handle, pieces), mode);
}

/**
 * Narrows an existing file's permission bits to `mode` when it allows more (a secrets file created 0644
 * by an older version, or copied with a loose umask); a missing file is left alone. POSIX only.
 */
export async function restrictFileMode(file: string, mode: number): Promise<void> {
  if (process.platform === "win32") return;
  try {
    const current = (await stat(file)).mode & 0o777;
    if ((current & ~mode) !== 0) await chmod(file, current & mode);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

/** mkdir -p, then fsync each parent of a directory it created so the new entries are durable. */
export async function makeDirectoryDurably(directory: string): Promise<void> {
  const target = resolve(directory);
  const firstCreated = await mkdir(target, { recursive: true });
  if (firstCreated === undefined) return;
  const stop = resolve(firstCreated);
  for (let current = target; ; current = dirname(current)) {
    await syncDirectory(dirname(current));
    if (current === stop || dirname(current) === current) break;
  }
}

/** Reads a file as text; null when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

export interface JsonFileOptions<T> {
  /** Turns the file's text into data; throws (e.g. STORE_CORRUPT) when it is not valid. */
  parse: (text: string) => T;
  /** Replaces the durable writer (tests: count writes, inject ENOSPC); it then gets the whole text. */
  writer?: TextWriter;
  /** Turns data into the file's text; JSON.stringify (compact) unless given. */
  stringify?: (data: T) => string;
  /**
   * Turns data into the file's UTF-8 bytes as pieces to write one after the other (then used instead of
   * `stringify`): nothing the size of the file is built in memory.
   */
  serialize?: (data: T) => readonly Uint8Array[];
  /**
   * Permission bits of the file (0o600 for a file holding secrets): every write creates it so, and
   * `read()` narrows a file found with more.
   */
  mode?: number;
  /**
   * false: do not keep what the last write wrote (`durableData()` then returns null). For callers that
   * roll back otherwise (the JSON collection's undo log), so the file is not held twice in memory.
   */
  keepContent?: boolean;
}

/**
 * lowdb adapter for one JSON file written with writeFileDurably. Compact JSON rather than lowdb's
 * indented default: the file is rewritten whole on every flush, and compact is ~1.6× faster to
 * serialise and ~38 % smaller (measured on 1k and 10k records, testing-fixtures/measure-lowdb.ts).
 * Keeps what the last write that reached the disk wrote, so the store can roll back to it: the text, or
 * with `serialize` the pieces, most of which are shared with the serializer's cache (no second copy of
 * the file in memory).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly file: string;
  #parse: (text: string) => T;
  #writer: TextWriter | undefined;
  #stringify: (data: T) => string;
  #serialize: ((data: T) => readonly Uint8Array[]) | undefined;
  #keepContent: boolean;
  #mode: number | undefined;
  /** What the file holds as far as this process knows (null: no file yet; "" when not kept). */
  #durable: string | readonly Uint8Array[] | null = null;
  #durableBytes = 0;
  writes = 0;
  lastWriteMs = 0;
  lastWriteBytes = 0;

  constructor(file: string, options: JsonFileOptions<T>) {
    this.file = file;
    this.#parse = options.parse;
    this.#writer = options.writer;
    this.#stringify = options.stringify ?? ((data) => JSON.stringify(data));
    this.#serialize = options.serialize;
    this.#keepContent = options.keepContent ?? true;
    this.#mode = options.mode;
  }

  /** Whether the file exists as far as this process knows. */
  get exists(): boolean {
    return this.#durable !== null;
  }

  /** Size of the file in bytes as far as this process knows (0: no file yet). */
  get durableBytes(): number {
    return this.#durableBytes;
  }

  /** The data the file holds as far as this process knows, parsed again (null: no file yet). */
  durableData(): T | null {
    const durable = this.#durable;
    if (durable === null || !this.#keepContent) return null;
    return this.#parse(typeof durable === "string" ? durable : Buffer.concat(durable).toString("utf8"));
  }

  parse(text: string): T {
    return this.#parse(text);
  }

  async read(): Promise<T | null> {
    if (this.#mode !== undefined) await restrictFileMode(this.file, this.#mode);
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
      this.#durable = null;
      this.#durableBytes = 0;
      return null;
    }
    const text = bytes.toString("utf8");
    // Kept as bytes with pieces (half the size of a string of non-ASCII text, and outside the heap).
    this.#durable = !this.#keepContent ? "" : this.#serialize === undefined ? text : [bytes];
    this.#durableBytes = bytes.byteLength;
    return this.#parse(text);
  }

  /** Serialises synchronously (the snapshot is the data as it is at the call), then writes durably. */
  write(data: T): Promise<void> {
    const started = performance.now();
    let content: string | readonly Uint8Array[];
    try {
      content = this.#serialize === undefined ? this.#stringify(data) : this.#serialize(data);
    } catch (error) {
      return Promise.reject(error);
    }
    const bytes =
      typeof content === "string"
        ? Buffer.byteLength(content)
        : content.reduce((total, piece) => total + piece.byteLength, 0);
    let written: Promise<void>;
    if (typeof content !== "string" && this.#writer === undefined) {
      written = writePiecesDurably(this.file, content, this.#mode);
    } else {
      const text = typeof content === "string" ? content : Buffer.concat(content).toString("utf8");
      written = (this.#writer ?? writeFileDurably)(this.file, text, this.#mode);
    }
    return written.then(() => {
      this.#durable = this.#keepContent ? content : "";
      this.#durableBytes = bytes;
      this.writes++;
      this.lastWriteMs = performance.now() - started;
      this.lastWriteBytes = bytes;
    });
  }
}
