import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { format, median } from "./stats.js";

const run = promisify(execFile);

async function child(...args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(
    process.execPath,
    [
      "--conditions=source",
      "--max-old-space-size=8192",
      "--import",
      "tsx",
      join(import.meta.dirname, "lowdb-child.ts"),
      ...args,
    ],
    { maxBuffer: 1 << 20, timeout: 30 * 60_000 },
  );
  return JSON.parse(stdout.trim().split("\n").pop() as string);
}

/**
 * The lowdb store with history of growing size: cold start, resident memory, counted messages per
 * second with group commit against the same store without it (the baseline), each in a fresh process.
 */
export async function lowdbBenchmark(
  sizes = [1_000, 10_000, 100_000],
  closedSizes = [1_000, 100_000, 1_000_000],
) {
  const rows: string[] = [];
  const cases: [number, "current" | "closed"][] = [
    ...sizes.map((size) => [size, "current"] as [number, "current"]),
    ...closedSizes.map((size) => [size, "closed"] as [number, "closed"]),
  ];
  for (const [size, placement] of cases) {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-bench-"));
    try {
      process.stderr.write(`  lowdb: ${format(size)} conversations in ${placement} periods…\n`);
      await child("seed", dataDir, String(size), placement);
      const grouped: Record<string, number>[] = [];
      for (let round = 0; round < 3; round++)
        grouped.push(await child("measure", dataDir, "grouped", "2000"));
      const ungrouped = await child("measure", dataDir, "ungrouped", size >= 100_000 ? "32" : "200");
      const pick = (key: string) => median(grouped.map((result) => result[key] as number));
      rows.push(
        `| ${format(size)} | ${placement === "current" ? "current period (live file)" : "closed periods (archived)"} | ${format(pick("fileMb"), 1)} | ${format(pick("coldStartMs"))} | ${format(pick("rssPeakMb"))} | ${format(pick("eventsPerSecond"))} | ${format(pick("p99Ms"))} | ${format(ungrouped.eventsPerSecond as number, 1)} | ${format(pick("eventsPerSecond") / (ungrouped.eventsPerSecond as number), 1)}× |`,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return [
    "### lowdb store: cost as history grows (fresh process per measure; group commit median of 3 runs)",
    "",
    "History = conversations with their thread and count row. Workload: 1,000 new customers, question +",
    "delivered answer each (2,000 counted messages), 256 in flight; the baseline writes the file once per",
    "message (16 in flight).",
    "",
    "| history | where | live file MB | cold start ms | peak RSS MB | messages/s, group commit | p99 ms | messages/s, no group commit | ratio |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    "Targets (100,000 conversations of history): ≥ 2,000 counted messages/s, cold start < 1 s, RSS < 300 MB.",
  ];
}
