import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { LutinError, parseTranscript } from "@lutingenie/core";
import { Command, InvalidArgumentError } from "commander";
import { analyze } from "./commands/analyze.js";
import { audit, formatAudit, recordAudit } from "./commands/audit.js";
import { chat, parseEnchantmentList } from "./commands/chat.js";
import { migrateCommand } from "./commands/migrate.js";
import { serve } from "./commands/serve.js";
import { simulate } from "./commands/simulate.js";
import { formatSimulation } from "./commands/simulate-table.js";

function wholeNumber(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`${name} takes a whole number ≥ 0, got "${value}"`);
    return Number(value);
  };
}

function instant(value: string): number {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) throw new InvalidArgumentError(`not an ISO 8601 date: "${value}"`);
  return millis;
}

/** Ends a command with this exit code once it has printed what it had to say. */
class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

const EXAMPLES = `
Examples (one per command):
  lutin simulate examples/transcripts/guide-tour.jsonl --plan starter
  echo "Where is my order?" | lutin chat
  echo "Waar is mijn bestelling?" | lutin analyze --json
  PORT=3000 LUTIN_DATA_DIR=./data lutin serve
  lutin audit --data ./data --period 2026-11
  LUTIN_DATABASE_URL=postgres://lutin:password@127.0.0.1:5432/lutin lutin migrate
  LUTIN_DATABASE_URL=postgres://lutin:password@127.0.0.1:5432/lutin lutin migrate --from-lowdb ./data`;

const MIGRATE_HELP = `
Brings the schema of the PostgreSQL database named by LUTIN_DATABASE_URL to this version and prints the
version before and after; running it again changes nothing. A database migrated by a newer LutinGénie is
refused (STORE_SCHEMA_TOO_NEW). \`lutin serve\` also migrates at start; run this first when several
instances share the database, or to see what an upgrade does.

--from-lowdb DIR then moves an embedded install (lutin.json with its journal and archives, thread memory,
tenants, packs, alerts, ledger) into the database, in one transaction. It never overwrites a row the
database already has, so a second run adds nothing. It prints lutin audit's totals per tenant and period
(used, human, ledger, history, ledger rows) read from DIR before and from the database after. Stop the
embedded server first (a running one is refused). Its visitor secret moves too, so its visitors resume
their chats; handoff and follow-up files stay in DIR.

Exit codes: 0 done and the totals agree; 1 the totals differ (each difference is printed), or the move
was refused (a running server, no data, the database unreachable or newer); 2 bad arguments.

Example:
  LUTIN_DATABASE_URL=postgres://lutin:password@127.0.0.1:5432/lutin lutin migrate --from-lowdb ./data`;

const SIMULATE_HELP = `
Events are replayed in file order, as they would have arrived; the result depends only on the set of
events (C13, docs/counting.md): any order, any duplicated line gives the same conversations, usage
figures and alerts in force (Q5, from the final ledger). Only "merged" (merges made while replaying)
depends on the order.

Usage (used, human, remaining, the period) is read at one instant: --now when given, otherwise the
latest event of the transcript (its largest "at", whatever line it is on), never the real clock and
never the file's last line. Its tenant is the one of that latest event (all tenants: usageByTenant).
--now also ends conversations idle 30 minutes by then (default: the real clock); a --now before the
last event reads usage as of then, so conversations counted later are listed but not in usage (C7, Q2).

Example:
  lutin simulate examples/transcripts/guide-tour.jsonl --plan starter --now 2026-10-31T23:00:00Z --json`;

const AUDIT_HELP = `
Recomputes every billing period of every tenant (archived ones included) from the stored events with
the batch counting function, and compares conversation by conversation with the ledger, the history
and the usage the dashboard shows. Prints "ledger and events agree", or each difference with its
conversation and the rule involved (docs/counting.md: C7, C8, C9, C10, C11, C13, Q2, Q8).

Exit codes: 0 agree, 1 differences, 2 cannot audit (not a data directory, unreadable files, or a
running server holds it).

It only reads the data: no lock is taken, and the one file it writes is DIR/last-audit.json, the
result the dashboard shows (each tenant sees its own periods and differences; --no-record skips it).
A directory in use by a running server is refused unless --live: the files are then read as they are at that moment, while the server writes
them, so a difference may be a write in flight; run it again (or on the stopped server) to confirm.

Example:
  lutin audit --data ./data --period 2026-11 --json`;

export function buildProgram(): Command {
  const program = new Command("lutin")
    .description("LutinGénie: AI customer support in Slack, Teams and the web, billed by the conversation")
    .addHelpText("after", EXAMPLES)
    .showHelpAfterError();

  program
    .command("simulate")
    .description(
      "replay a transcript (JSON lines, the format in docs/counting.md) through the real counting engine and quota",
    )
    .argument("<transcript>", "path to a .jsonl transcript")
    .option("--plan <name>", "plan of the simulated tenant (free, starter, professional, enterprise)", "free")
    .option("--allowance <n>", "override the plan's AI allowance", wholeNumber("--allowance"))
    .option(
      "--packs <n>",
      "one conversation pack of this size, bought at the subscription start",
      wholeNumber("--packs"),
    )
    .option("--tz <zone>", "tenant time zone (IANA name)", "UTC")
    .option(
      "--now <iso>",
      "read usage at this instant (default: the latest event) and end conversations idle by then (default: the real clock)",
      instant,
    )
    .option("--json", "print one JSON object instead of tables")
    .addHelpText("after", SIMULATE_HELP)
    .action(async (file: string, options) => {
      const events = parseTranscript(await readTranscript(file), file);
      if (events.length === 0) {
        throw new LutinError("TRANSCRIPT_INVALID", `${file}: the transcript has no events`, {
          hint: "add one JSON object per line (fields at, id, thread, from, text, ...)",
        });
      }
      const report = await simulate(events, {
        plan: options.plan,
        timeZone: options.tz,
        ...(options.allowance !== undefined ? { allowance: options.allowance } : {}),
        ...(options.packs !== undefined ? { packs: options.packs } : {}),
        ...(options.now !== undefined ? { now: options.now } : {}),
      });
      process.stdout.write(
        options.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `${basename(file)}\n${formatSimulation(report)}\n`,
      );
    });

  program
    .command("chat")
    .description(
      "talk to the assistant in the terminal as a customer (real pipeline, the tenant's knowledge base)",
    )
    .option(
      "--tenant <file>",
      "tenant file (default: the demo shop, packages/core/demo/demo-shop.tenant.json)",
    )
    .option(
      "--enchantments <list>",
      "comma-separated: memory,emotion,escalation,polyglot (default: what the tenant's plan includes); none for none",
      (value: string) => parseEnchantmentList(value),
    )
    .option(
      "--json",
      "print one JSON object per reply (text, language, emotion, conversation id and counted state)",
    )
    .action(async (options) => {
      await chat({
        json: options.json === true,
        input: process.stdin,
        output: process.stdout,
        errors: process.stderr,
        ...(options.tenant === undefined ? {} : { tenantFile: options.tenant }),
        ...(options.enchantments === undefined ? {} : { enchantments: options.enchantments }),
      });
    });

  program
    .command("analyze")
    .description("show how the assistant reads each message (language, emotion): one message per line")
    .argument("[file]", "a text file, one customer message per line (default: standard input)")
    .option(
      "--json",
      "print one JSON object per input line: text, language, languageConfidence, emotion, emotionScore",
    )
    .action(async (file: string | undefined, options) => {
      const input = file === undefined ? process.stdin : await openInput(file);
      await analyze({ input, output: process.stdout, json: options.json === true });
    });

  program
    .command("serve")
    .description(
      "start the web server: chat widget demo, agent console and dashboard (PORT, LUTIN_DATA_DIR and other LUTIN_* variables)",
    )
    .option("--config <file>", "JSON config file (lutin.config.json); environment variables override it")
    .action(async (options) => {
      await serve({
        output: process.stdout,
        ...(options.config === undefined ? {} : { configFile: options.config }),
      });
    });

  program
    .command("migrate")
    .description(
      "PostgreSQL (LUTIN_DATABASE_URL): bring the schema up to date; --from-lowdb DIR moves an embedded install in",
    )
    .option("--from-lowdb <dir>", "an embedded install's data directory to move into the database")
    .addHelpText("after", MIGRATE_HELP)
    .action(async (options) => {
      const result = await migrateCommand({
        output: process.stdout,
        ...(options.fromLowdb === undefined ? {} : { fromLowdb: options.fromLowdb }),
      });
      if (result.exitCode !== 0) throw new CommandExit(result.exitCode);
    });

  program
    .command("audit")
    .description(
      "check a data directory: recompute every period from the stored events and compare with the ledger and the dashboard",
    )
    .option("--data <dir>", "the server's data directory (default: LUTIN_DATA_DIR, else ./data)")
    .option("--period <YYYY-MM>", "only periods starting in this month (or one period start, YYYY-MM-DD)")
    .option("--json", "print one JSON object: periods, differences, agree")
    .option("--live", "read a directory a running server holds (see below)")
    .option("--now <iso>", "read at this instant instead of the real clock", instant)
    .option("--no-record", "do not keep the result in DIR/last-audit.json (what the dashboard shows)")
    .addHelpText("after", AUDIT_HELP)
    .action(async (options) => {
      let report: Awaited<ReturnType<typeof audit>>;
      try {
        report = await audit({
          dataDir: options.data ?? process.env.LUTIN_DATA_DIR ?? "./data",
          live: options.live === true,
          ...(options.period === undefined ? {} : { period: options.period }),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
      } catch (error) {
        if (!LutinError.isInstance(error)) throw error;
        process.stderr.write(`error: ${error.describe()}\n`);
        throw new CommandExit(2);
      }
      process.stdout.write(
        options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatAudit(report)}\n`,
      );
      if (options.record !== false) {
        const warning = await recordAudit(report);
        if (warning !== null) process.stderr.write(`warning: ${warning}\n`);
      }
      if (!report.agree) throw new CommandExit(1);
    });

  return program;
}

async function openInput(file: string) {
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new LutinError("CONFIG_INVALID", `cannot read ${file}: ${error.code ?? error.message}`, {
          hint: "check the path, or pipe the messages on standard input",
        }),
      ),
    );
  });
  return stream;
}

async function readTranscript(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LutinError("TRANSCRIPT_INVALID", `cannot read ${file}: ${code ?? (error as Error).message}`, {
      hint:
        code === "ENOENT"
          ? "check the path (examples are in examples/transcripts/)"
          : "check the file's permissions",
    });
  }
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride().parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommandExit) return error.exitCode;
    if (LutinError.isInstance(error)) {
      process.stderr.write(`error: ${error.describe()}\n`);
      return 1;
    }
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      // Commander already printed the message (or the help); keep its exit code.
      return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}
