import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { LutinError, parseTranscript } from "@lutingenie/core";
import { Command, InvalidArgumentError } from "commander";
import { analyze } from "./commands/analyze.js";
import { chat, parseEnchantmentList } from "./commands/chat.js";
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

export function buildProgram(): Command {
  const program = new Command("lutin")
    .description("LutinGénie: AI customer support in Slack, Teams and the web, billed by the conversation")
    .showHelpAfterError();

  program
    .command("simulate")
    .description(
      "replay a transcript (JSON lines, COUNTING.md format) through the real counting engine and quota",
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
    .option("--now <iso>", "read the result at this instant instead of the real clock", instant)
    .option("--json", "print one JSON object instead of tables")
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
