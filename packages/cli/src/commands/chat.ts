import type { Readable, Writable } from "node:stream";
import {
  BUILT_IN_ENCHANTMENTS,
  createLutinRuntime,
  createMemoryStore,
  DEMO_TENANT_FILE,
  LutinError,
  loadTenantFile,
  type TurnOutcome,
} from "@lutingenie/core";
import { createTerminalAdapter } from "../chat/terminal-adapter.js";

export interface ChatOptions {
  tenantFile?: string;
  /** Enchantments to run, or undefined for the tenant plan's own. */
  enchantments?: string[];
  json: boolean;
  input: Readable;
  output: Writable;
  errors: Writable;
}

/** One line of `lutin chat --json`: what the assistant answered and how it read the message. */
export interface ChatReplyLine {
  text: string | null;
  status: TurnOutcome["status"];
  language: string | null;
  detectedLanguage: string | null;
  languageConfidence: number;
  emotion: string;
  emotionScore: number;
  source: string | null;
  confidence: number | null;
  conversation: { id: string; counted: boolean; openReason: string } | null;
  enchantments: string[];
}

export function parseEnchantmentList(value: string): string[] {
  if (value.trim() === "" || value === "none") return [];
  const names = value.split(",").map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(BUILT_IN_ENCHANTMENTS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new LutinError(
      "CONFIG_INVALID",
      `unknown enchantment ${unknown.map((name) => `"${name}"`).join(", ")}`,
      {
        hint: `choose among ${BUILT_IN_ENCHANTMENTS.join(", ")} (comma-separated), or "none"`,
      },
    );
  return names;
}

/**
 * `lutin chat`: the customer's side of the assistant in the terminal, through a real adapter (the
 * terminal one) and the real pipeline: counting, enchantments, the tenant's knowledge base.
 */
export async function chat(options: ChatOptions): Promise<void> {
  const tenant = await loadTenantFile(options.tenantFile ?? DEMO_TENANT_FILE);
  const runtime = await createLutinRuntime({
    store: createMemoryStore(),
    tenants: [tenant],
    ...(options.enchantments === undefined ? {} : { enchantments: options.enchantments }),
  });
  const adapter = createTerminalAdapter({
    input: options.input,
    output: options.output,
    tenant: tenant.settings.id,
    printReplies: !options.json,
    onOutcome: (outcome) => {
      if (options.json) options.output.write(`${JSON.stringify(replyLine(outcome))}\n`);
      else if (outcome.status === "undelivered" || outcome.status === "silent")
        options.errors.write(`(${outcome.status})\n`);
    },
    onError: (error) =>
      options.errors.write(`error: ${LutinError.isInstance(error) ? error.describe() : String(error)}\n`),
  });
  if (!options.json)
    options.errors.write(
      `Chatting with ${tenant.settings.name ?? tenant.settings.id} — /resolve, /close, /quit (Ctrl-D) to end.\n`,
    );
  await runtime.assistant.start([adapter]);
  await runtime.escalation.start();
  await adapter.finished;
  await runtime.escalation.stop();
  await runtime.assistant.stop();
}

function replyLine(outcome: TurnOutcome): ChatReplyLine {
  return {
    text: outcome.reply?.text ?? null,
    status: outcome.status,
    language: outcome.reply?.language ?? null,
    detectedLanguage: outcome.reading?.language ?? null,
    languageConfidence: round(outcome.reading?.languageConfidence ?? 0),
    emotion: outcome.reading?.emotion ?? "neutral",
    emotionScore: round(outcome.reading?.emotionScore ?? 0),
    source: outcome.reply?.source ?? null,
    confidence: outcome.reply === null ? null : round(outcome.reply.confidence),
    conversation:
      outcome.conversation === null
        ? null
        : {
            id: outcome.conversation.id,
            counted: outcome.conversation.counted,
            openReason: outcome.conversation.openReason,
          },
    enchantments: outcome.enchantments,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
