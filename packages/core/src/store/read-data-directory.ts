import { resolve } from "node:path";
import type { ConversationRecord } from "../counting/conversation.js";
import type { ThreadRecord } from "../counting/thread-state.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";
import { archiveFileOf, parseArchive, parseThreadArchive, threadArchiveFileOf } from "./archive.js";
import { dormantThreadsFileOf, parseDormantThreads } from "./dormant-thread-index.js";
import { readTextIfExists } from "./durable-file.js";
import { storeCorrupt } from "./errors.js";
import { readStoreFiles } from "./lowdb-store.js";
import { alertKey } from "./store-state.js";

/** One archived billing period of a tenant, as `lutin.json` lists it. */
export interface ArchivedPeriodFile {
  tenant: string;
  period: string;
  file: string;
}

/**
 * Everything a lowdb data directory holds, hot and archived together, read the way the open store reads
 * it (a hot copy wins over an archived one, each ledger row and alert once, a dormant thread from the day
 * file its index names), without opening the store: no lock is taken and nothing is written.
 */
export interface DataDirectoryContents {
  dataDir: string;
  tenants: Tenant[];
  packs: Pack[];
  /** Hot threads, then dormant ones that are not hot. */
  threads: ThreadRecord[];
  conversations: ConversationRecord[];
  ledger: LedgerEntry[];
  alerts: FiredAlert[];
  archives: ArchivedPeriodFile[];
}

/**
 * Reads a data directory for inspection (`lutin audit`, backups' checks). Null when it has no
 * `lutin.json` and no journal. STORE_CORRUPT (naming the file) when a file is unreadable, including an
 * archive that `lutin.json` lists but that is missing: its rows would silently be absent otherwise.
 * A directory a running server writes to is read file by file, so the result may be a moment's mix
 * (readStoreFiles's caveat applies); read it stopped for a definitive answer.
 */
export async function readDataDirectory(dataDir: string): Promise<DataDirectoryContents | null> {
  const directory = resolve(dataDir);
  const document = await readStoreFiles(directory);
  if (document === null) return null;

  const conversations = new Map<string, ConversationRecord>(Object.entries(document.conversations));
  const ledgerIds = new Set(document.ledger.map((entry) => entry.id));
  const ledger: LedgerEntry[] = [];
  const alertKeys = new Set(document.alerts.map(alertKey));
  const alerts: FiredAlert[] = [];
  const archives: ArchivedPeriodFile[] = [];
  for (const [tenant, periods] of Object.entries(document.archived)) {
    for (const period of periods) {
      const file = archiveFileOf(directory, tenant, period);
      const text = await readTextIfExists(file);
      if (text === null)
        throw storeCorrupt(file, `lutin.json lists period ${period} of tenant ${tenant} as archived here`);
      const archive = parseArchive(file, text);
      archives.push({ tenant, period, file });
      for (const conversation of archive.conversations)
        if (!conversations.has(conversation.id)) conversations.set(conversation.id, conversation);
      for (const entry of archive.ledger) {
        if (ledgerIds.has(entry.id)) continue;
        ledgerIds.add(entry.id);
        ledger.push(entry);
      }
      for (const alert of archive.alerts) {
        const key = alertKey(alert);
        if (alertKeys.has(key)) continue;
        alertKeys.add(key);
        alerts.push(alert);
      }
    }
  }

  const threads = new Map<string, ThreadRecord>(Object.entries(document.threads));
  // The legacy index in lutin.json first, the index file over it (it is the newer of the two).
  const places = new Map<string, [string, string]>(Object.entries(document.dormantThreads));
  const indexFile = dormantThreadsFileOf(directory);
  const indexText = await readTextIfExists(indexFile);
  if (indexText !== null)
    for (const [key, place] of parseDormantThreads(indexFile, indexText)) places.set(key, place);
  const days = new Map<string, Map<string, ThreadRecord>>();
  for (const [key, [tenant, day]] of places) {
    if (threads.has(key)) continue;
    const file = threadArchiveFileOf(directory, tenant, day);
    let byKey = days.get(file);
    if (byKey === undefined) {
      const text = await readTextIfExists(file);
      if (text === null) throw storeCorrupt(file, `the dormant thread index files thread ${key} here`);
      byKey = new Map(parseThreadArchive(file, text).threads.map((thread) => [thread.key, thread]));
      days.set(file, byKey);
    }
    const thread = byKey.get(key);
    if (thread === undefined) throw storeCorrupt(file, `the dormant thread index files thread ${key} here`);
    threads.set(key, thread);
  }

  return {
    dataDir: directory,
    tenants: Object.values(document.tenants),
    packs: Object.values(document.packs),
    threads: [...threads.values()],
    conversations: [...conversations.values()],
    ledger: [...document.ledger, ...ledger],
    alerts: [...document.alerts, ...alerts],
    archives,
  };
}
