import { type FileHandle, open, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { jsonSyntaxProblem } from "../util/json-syntax-problem.js";
import { restrictFileMode, syncDirectory } from "./durable-file.js";
import { errorCode, storeCorrupt } from "./errors.js";

/*
 * A write-ahead journal beside a JSON file that is rewritten whole (lutin.json, thread-memory.json).
 * Rewriting and fsyncing the whole file on every group commit made a flush cost the size of the file:
 * 15 ms for a 3.4 MB lutin.json in the web benchmark, three of them in a row per widget message. A
 * flush now appends one line holding only what changed and fdatasyncs it, and the whole file (the
 * snapshot) is rewritten only once the journal has grown past a share of it; the snapshot records the
 * sequence number of the last line it includes, so a crash between the snapshot's rename and the
 * journal's truncation replays nothing twice.
 *
 * Line format: `{"seq":N,"changes":[...]}\n`, N counting up from 1 across snapshots. A line is only
 * written whole and fdatasync'd before the commit it carries is acknowledged; a line without its
 * newline at the end of the file is a write that was cut (crash, full disk) and was never acknowledged:
 * it is dropped at open. A failed append is cut off again at once; if even that fails, the journal
 * takes no more lines until a snapshot has reset it.
 */

export interface JournalLine {
  seq: number;
  changes: unknown[];
}

/** Appends `bytes` at the end of the journal (test seam: count appends, inject ENOSPC). */
export type JournalAppender = (handle: FileHandle, bytes: Uint8Array) => Promise<void>;

export const appendDurably: JournalAppender = async (handle, bytes) => {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset);
    offset += bytesWritten;
  }
  await handle.datasync();
};

const encoder = new TextEncoder();
const NEWLINE = 0x0a;

export function journalFileOf(file: string): string {
  return `${file}.journal`;
}

export class JournalFile {
  readonly file: string;
  #handle: FileHandle;
  #append: JournalAppender;
  #seq: number;
  #bytes: number;
  /** false after an append that failed and could not be cut off: only a reset makes it usable again. */
  #usable = true;

  private constructor(file: string, handle: FileHandle, seq: number, bytes: number, append: JournalAppender) {
    this.file = file;
    this.#handle = handle;
    this.#seq = seq;
    this.#bytes = bytes;
    this.#append = append;
  }

  /**
   * Opens (creating it durably if missing) the journal of a file whose snapshot includes the lines up to
   * `snapshotSeq`, and returns the lines after it, in order. A cut last line is dropped from the file.
   * With `mode`, the journal is created with those permission bits, or narrowed to them if it has more
   * (it holds the same records as its file: secrets too).
   */
  static async open(
    file: string,
    snapshotSeq: number,
    append: JournalAppender = appendDurably,
    mode?: number,
  ): Promise<{ journal: JournalFile; lines: JournalLine[] }> {
    if (mode !== undefined) await restrictFileMode(file, mode);
    let bytes: Buffer | null = null;
    try {
      bytes = await readFile(file);
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
    }
    const { lines, seq, whole } = parseJournal(file, bytes ?? Buffer.alloc(0), snapshotSeq);
    const handle = await open(file, "a", mode);
    try {
      if (bytes === null) await syncDirectory(dirname(file));
      else if (whole < bytes.byteLength) {
        await handle.truncate(whole);
        await handle.datasync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { journal: new JournalFile(file, handle, seq, whole, append), lines };
  }

  /** The sequence number of the last line written (or of the snapshot, if none since). */
  get seq(): number {
    return this.#seq;
  }

  /** Size of the journal's whole lines, in bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether an append can be taken; false until a reset after an append that could not be undone. */
  get usable(): boolean {
    return this.#usable;
  }

  /**
   * Appends one line (its changes given as JSON text, an array) and resolves once it is on disk. On
   * failure the journal is cut back to its last whole line, and nothing of the line is kept.
   */
  async append(changesJson: string): Promise<void> {
    if (!this.#usable)
      throw new Error(`the journal ${this.file} needs a snapshot before it takes more lines`);
    const seq = this.#seq + 1;
    const bytes = encoder.encode(`{"seq":${seq},"changes":${changesJson}}\n`);
    try {
      await this.#append(this.#handle, bytes);
    } catch (error) {
      try {
        await this.#handle.truncate(this.#bytes);
        await this.#handle.datasync();
      } catch {
        this.#usable = false;
      }
      throw error;
    }
    this.#seq = seq;
    this.#bytes += bytes.byteLength;
  }

  /**
   * Empties the journal once a snapshot that includes all its lines is on disk. Never throws: a journal
   * not emptied loses nothing (its lines are at or below the snapshot's number and are skipped at open);
   * one left unusable by a failed append stays so, and the next flush writes a snapshot again.
   */
  async reset(): Promise<void> {
    try {
      await this.#handle.truncate(0);
      await this.#handle.datasync();
      this.#bytes = 0;
      this.#usable = true;
    } catch {
      // See above.
    }
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}

/**
 * The whole lines of a journal's bytes after `snapshotSeq`, the last sequence number seen, and the size
 * of the whole lines (a cut last line, without its newline, is left out).
 */
export function parseJournal(
  file: string,
  bytes: Buffer,
  snapshotSeq: number,
): { lines: JournalLine[]; seq: number; whole: number } {
  const lines: JournalLine[] = [];
  let seq = snapshotSeq;
  let lastLine = 0;
  let whole = 0;
  for (let start = 0; start < bytes.byteLength; ) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end === -1) break; // cut by a crash or a full disk: never acknowledged
    const line = parseLine(file, bytes.toString("utf8", start, end), lastLine);
    lastLine = line.seq;
    if (line.seq > snapshotSeq) lines.push(line);
    seq = Math.max(seq, line.seq);
    start = end + 1;
    whole = start;
  }
  return { lines, seq, whole };
}

/** STORE_CORRUPT for a journal line that cannot be read or applied, with the two ways out. */
export function journalDamaged(file: string, problem: string, cause?: unknown) {
  return storeCorrupt(
    file,
    problem,
    cause,
    `restore the data directory from a backup; or, to keep the last snapshot and lose the changes written after it, move ${file} aside`,
  );
}

function parseLine(file: string, text: string, previous: number): JournalLine {
  const damaged = (problem: string, cause?: unknown) => journalDamaged(file, problem, cause);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw damaged(`a journal line is not valid JSON (${jsonSyntaxProblem(error)})`, error);
  }
  const line = value as Partial<JournalLine> | null;
  if (
    line === null ||
    typeof line !== "object" ||
    !Number.isSafeInteger(line.seq) ||
    !Array.isArray(line.changes)
  )
    throw damaged("a journal line is not { seq, changes }");
  // Lines count up; the snapshot's number may be ahead of lines a failed truncation left (skipped).
  if ((line.seq as number) <= previous)
    throw damaged(`journal line ${line.seq} comes after line ${previous}`);
  return line as JournalLine;
}

export const JOURNAL_MIN_SNAPSHOT_BYTES = 4 << 20;

/**
 * Whether the next flush should rewrite the snapshot: the journal is unusable, or it has grown past the
 * snapshot's size (at least 4 MiB). So the bytes written per change stay within about twice its own
 * size, a snapshot (which holds back the commits behind it) comes once per journal of its size, and
 * opening reads at most about twice the snapshot.
 */
export function snapshotDue(journal: JournalFile, snapshotBytes: number): boolean {
  return !journal.usable || journal.bytes > Math.max(JOURNAL_MIN_SNAPSHOT_BYTES, snapshotBytes);
}
