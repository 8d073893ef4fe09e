import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { format, median } from "./stats.js";

const run = promisify(execFile);
const NOW = "2026-11-20T12:00:00Z";
const NODE = ["--conditions=source", "--max-old-space-size=8192", "--import", "tsx"];

async function child(script: string, ...args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, [...NODE, join(import.meta.dirname, script), ...args], {
    maxBuffer: 1 << 20,
    timeout: 30 * 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop() as string);
}

/** `lutin audit --json` as a user runs it: a whole process, start-up included; exit 1 means differences. */
async function command(dataDir: string): Promise<{ seconds: number; differences: number }> {
  const cli = join(import.meta.dirname, "../packages/cli/src/cli.ts");
  const started = performance.now();
  const { stdout } = await run(
    process.execPath,
    [...NODE, cli, "audit", "--data", dataDir, "--now", NOW, "--json"],
    { maxBuffer: 1 << 30, timeout: 30 * 60_000 },
  ).catch((error: { code?: number; stdout?: string }) => {
    if (error.code === 1 && error.stdout !== undefined) return { stdout: error.stdout };
    throw error;
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, differences: (JSON.parse(stdout) as { differences: unknown[] }).differences.length };
}

/**
 * `lutin audit` on a lowdb data directory of 100,000 conversations, seeded through the store's commit
 * path as the counter leaves them (lowdb-history.ts), against reading the directory alone (the baseline:
 * what any audit must pay), each in a fresh process, median of `rounds`.
 */
export async function auditBenchmark(size = 100_000, rounds = 3): Promise<string[]> {
  const rows: string[] = [];
  for (const placement of ["closed", "current"] as const) {
    const dataDir = await mkdtemp(join(tmpdir(), "lutin-bench-audit-"));
    try {
      process.stderr.write(`  audit: ${format(size)} conversations in ${placement} periods…\n`);
      await child("lowdb-child.ts", "seed", dataDir, String(size), placement);
      const reads: Record<string, number>[] = [];
      const audits: Record<string, number>[] = [];
      const commands: { seconds: number; differences: number }[] = [];
      for (let round = 0; round < rounds; round++) {
        reads.push(await child("audit-child.ts", "read", dataDir, NOW));
        audits.push(await child("audit-child.ts", "audit", dataDir, NOW));
        commands.push(await command(dataDir));
      }
      const pick = (results: Record<string, number>[], key: string) =>
        median(results.map((result) => result[key] as number));
      const differences = Math.max(...commands.map((result) => result.differences));
      rows.push(
        `| ${format(size)} | ${placement === "current" ? "current period (live file)" : "24 closed periods (archived)"} | ${format(pick(reads, "seconds"), 2)} | ${format(pick(audits, "seconds"), 2)} | ${format(pick(audits, "rssPeakMb"))} | ${format(median(commands.map((result) => result.seconds)), 2)} | ${format(differences)} |`,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return [
    `### lutin audit on a lowdb data directory (fresh process per measure, median of ${rounds})`,
    "",
    "History = conversations with their thread (question + delivered answer) and count row, committed",
    "through the store and archived as a running server leaves them. Baseline: reading the directory",
    "alone (readDataDirectory). The audit recomputes every conversation with the batch function (C13)",
    "and compares it with the ledger, the history and the dashboard's usage (Q8).",
    "",
    "| conversations | where | read only s (baseline) | audit s | audit peak RSS MB | `lutin audit --json` s, whole process | differences |",
    "|---:|---|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    "Target: `lutin audit` on 100,000 conversations < 10 s (whole process), 0 differences.",
  ];
}
