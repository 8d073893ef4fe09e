import { z } from "zod";
import { LutinError } from "../../errors.js";
import { describeValue, valueAt } from "../../validation/issue-text.js";

/** The environment variable read when `apiKey` is not in the configuration (keeps the key out of files). */
export const LLM_API_KEY_VARIABLE = "LUTIN_LLM_API_KEY";

/** The LLM responder's configuration once validated, with every default filled in. */
export interface LlmConfig {
  /** Without a trailing slash; requests go to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  model: string;
  /** Undefined for local servers that need no key. Never logged, never put in an error. */
  apiKey: string | undefined;
  /** Per attempt, including reading the body. */
  timeoutMs: number;
  /** Attempts after the first one, on network errors, time-outs, 408, 429 and 5xx. */
  maxRetries: number;
  /** First backoff delay; doubles on each retry, with jitter. */
  retryBaseDelayMs: number;
  /** Cap on any wait between attempts, Retry-After included. */
  retryMaxDelayMs: number;
  temperature: number;
  maxTokens: number;
  /** The tenant's own instructions, appended to the system prompt. */
  systemPrompt: string | undefined;
  /** How the assistant names the company it works for; the tenant id when absent. */
  companyName: string | undefined;
  organization: string | undefined;
  headers: Record<string, string>;
  /** Confidence of a reply the model did not mark as unsure. */
  confidence: number;
  /** Confidence of a reply the model marked as unsure (below LOW_CONFIDENCE, so Escalation counts it). */
  unsureConfidence: number;
  /** The text the model is asked to add when it does not know; stripped from the reply. */
  unsureMarker: string;
}

/** What a deployment writes in its configuration: everything but `baseUrl` and `model` is optional. */
export type LlmConfigInput = z.input<typeof llmConfigSchema>;

const FIELDS = [
  "baseUrl",
  "model",
  "apiKey",
  "timeoutMs",
  "maxRetries",
  "retryBaseDelayMs",
  "retryMaxDelayMs",
  "temperature",
  "maxTokens",
  "systemPrompt",
  "companyName",
  "organization",
  "headers",
  "confidence",
  "unsureConfidence",
  "unsureMarker",
] as const;
type Field = (typeof FIELDS)[number];

const HINTS: Record<Field, string> = {
  baseUrl:
    "give the server's OpenAI-compatible base URL ending before /chat/completions, e.g. http://127.0.0.1:11434/v1 for a local server",
  model: "name the model the server serves, e.g. llama3.1:8b or gpt-4o-mini",
  apiKey: `put the provider's key in llm.apiKey or in the ${LLM_API_KEY_VARIABLE} environment variable; leave both out for a local server without a key`,
  timeoutMs: "give a whole number of milliseconds per attempt from 1 to 600000, e.g. 15000",
  maxRetries: "give a whole number of retries from 0 to 10, e.g. 2",
  retryBaseDelayMs: "give a whole number of milliseconds from 0 to 60000, e.g. 500",
  retryMaxDelayMs:
    "give a whole number of milliseconds from 0 to 600000, at least retryBaseDelayMs, e.g. 10000",
  temperature: "give a number from 0 to 2, e.g. 0.3",
  maxTokens: "give a whole number of tokens from 1 to 1000000, e.g. 512",
  systemPrompt: "give the tenant's instructions as text, or leave the field out",
  companyName: "give the company's name as the customer knows it, or leave the field out",
  organization: "give the provider's organization id as text, or leave the field out",
  headers:
    "give extra headers as { name: value } text pairs; the key goes in llm.apiKey, not in an Authorization header",
  confidence: "give a number from 0 to 1, e.g. 0.8",
  unsureConfidence: "give a number from 0 to 1, below 0.35 so that Escalation counts the reply, e.g. 0.2",
  unsureMarker: "give a short marker the model can write, e.g. [[unsure]]",
};

/** Fields whose value must never be echoed in an error (secrets). */
const SECRET_FIELDS: ReadonlySet<string> = new Set(["apiKey", "headers"]);

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, {
    error: message,
  });
}

function decimal(min: number, max: number) {
  const message = `must be a number from ${min} to ${max}`;
  return z.number({ error: message }).min(min, { error: message }).max(max, { error: message });
}

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const text = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}, not empty` });

const baseUrlSchema = z
  .string({ error: "must be a URL" })
  .trim()
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: "custom", message: "must be a URL such as http://127.0.0.1:11434/v1" });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      context.addIssue({ code: "custom", message: "must start with http:// or https://" });
    } else if (url.username !== "" || url.password !== "") {
      // A key in the URL would end up wherever URLs are printed; it belongs in apiKey.
      context.addIssue({ code: "custom", message: "must not carry credentials (user:password@)" });
    } else if (url.search !== "" || url.hash !== "") {
      context.addIssue({ code: "custom", message: "must not have a query or a fragment" });
    } else if (/\/chat\/completions\/?$/.test(url.pathname)) {
      context.addIssue({
        code: "custom",
        message: "must stop before /chat/completions (the responder adds it)",
      });
    }
  })
  .transform((value) => value.replace(/\/+$/, ""));

const llmConfigSchema = z
  .strictObject({
    baseUrl: baseUrlSchema,
    model: text("the model's name"),
    apiKey: text("the API key").optional(),
    timeoutMs: wholeNumber(1, 600_000).default(15_000),
    maxRetries: wholeNumber(0, 10).default(2),
    retryBaseDelayMs: wholeNumber(0, 60_000).default(500),
    retryMaxDelayMs: wholeNumber(0, 600_000).default(10_000),
    temperature: decimal(0, 2).default(0.3),
    maxTokens: wholeNumber(1, 1_000_000).default(512),
    systemPrompt: z.string({ error: "must be text" }).optional(),
    companyName: text("the company's name").optional(),
    organization: text("the organization id").optional(),
    headers: z
      .record(z.string(), z.string({ error: "must be text" }), { error: "must be { name: value } pairs" })
      .superRefine((headers, context) => {
        for (const [name, value] of Object.entries(headers)) {
          // fetch would throw on these at request time, which would look like a network error and be retried.
          if (!HEADER_NAME.test(name)) {
            context.addIssue({ code: "custom", message: "is not a valid header name", path: [name] });
          } else if (name.toLowerCase() === "authorization") {
            context.addIssue({ code: "custom", message: "must not set Authorization", path: [name] });
          } else if (/[\r\n\0]/.test(value)) {
            context.addIssue({ code: "custom", message: "must not contain line breaks", path: [name] });
          }
        }
      })
      .default({}),
    confidence: decimal(0, 1).default(0.8),
    unsureConfidence: decimal(0, 1).default(0.2),
    unsureMarker: text("a marker").default("[[unsure]]"),
  })
  .superRefine((config, context) => {
    if (config.retryMaxDelayMs < config.retryBaseDelayMs) {
      context.addIssue({
        code: "custom",
        message: "must be at least retryBaseDelayMs",
        path: ["retryMaxDelayMs"],
      });
    }
  });

type Issue = z.core.$ZodIssue;

/**
 * Validates the `llm` section of the configuration. Throws LutinError LLM_CONFIG_INVALID naming every wrong
 * field (`llm.timeoutMs: must be a whole number from 1 to 600000 (got -5)`) with a hint per field. The key
 * is taken from `environment[LUTIN_LLM_API_KEY]` when the configuration has none; its value never appears
 * in an error.
 */
export function parseLlmConfig(
  input: unknown,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): LlmConfig {
  const result = llmConfigSchema.safeParse(input);
  if (!result.success) throw configError(result.error.issues, input);
  const parsed = result.data;
  const fromEnvironment = environment[LLM_API_KEY_VARIABLE]?.trim();
  return {
    ...parsed,
    companyName: parsed.companyName,
    // Lower-case names, so that a configured "Content-Type" cannot sit next to ours as a second value.
    headers: Object.fromEntries(
      Object.entries(parsed.headers).map(([name, value]) => [name.toLowerCase(), value]),
    ),
    organization: parsed.organization,
    apiKey: parsed.apiKey ?? (fromEnvironment === "" ? undefined : fromEnvironment),
    systemPrompt: parsed.systemPrompt?.trim() === "" ? undefined : parsed.systemPrompt?.trim(),
  };
}

function configError(issues: readonly Issue[], input: unknown): LutinError {
  const problems = issues.map((issue) => describeIssue(issue, input));
  const hints = [...new Set(issues.map(hintFor))];
  return new LutinError("LLM_CONFIG_INVALID", `LLM configuration is invalid: ${problems.join("; ")}`, {
    hint: hints.join("; "),
    details: { fields: issues.map((issue) => `llm.${issue.path.map(String).join(".")}`.replace(/\.$/, "")) },
  });
}

function describeIssue(issue: Issue, input: unknown): string {
  const path = issue.path.map(String);
  const where = path.length === 0 ? "llm" : `llm.${path.join(".")}`;
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  }
  if (path.length === 0) return `${where}: must be an object with at least baseUrl and model`;
  const [field] = path;
  const shown =
    field !== undefined && SECRET_FIELDS.has(field) ? "" : ` (${describeValue(valueAt(input, issue.path))})`;
  return `${where}: ${issue.message}${shown}`;
}

function hintFor(issue: Issue): string {
  if (issue.code === "unrecognized_keys") {
    return `remove ${issue.keys.map((key) => `"${key}"`).join(", ")} or fix the spelling; fields are ${FIELDS.join(", ")}`;
  }
  const [field] = issue.path;
  if (typeof field === "string" && field in HINTS) return HINTS[field as Field];
  return `give at least { baseUrl, model }, e.g. { baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.1:8b" }`;
}
