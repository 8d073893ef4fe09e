import { readFile } from "node:fs/promises";
import { z } from "zod";
import { type LanguageCode, SUPPORTED_LANGUAGES } from "../../assistant/language.js";
import { LutinError } from "../../errors.js";
import { normalizeText } from "./text.js";

/**
 * The tenant's knowledge base file (format documented in examples/knowledge-base/README.md). Every text a
 * customer can read exists per language; the default language is required everywhere so that there is
 * always something to answer with.
 */

const language = z.enum(SUPPORTED_LANGUAGES);
const text = z.string().trim().min(1, "must not be empty");
const identifier = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be kebab-case letters and digits, e.g. opening-hours");
const phrases = z.array(text).min(1, "must list at least one phrase");
const perLanguage = <T extends z.ZodType>(schema: T) => z.partialRecord(language, schema);

const entryVariantSchema = z.strictObject({
  questions: phrases,
  keywords: z.array(text).default([]),
  answer: text,
});
const entrySchema = z.strictObject({
  id: identifier,
  topic: identifier,
  variants: perLanguage(entryVariantSchema),
});

const quickReplyVariantSchema = z.strictObject({
  label: text,
  triggers: z.array(text).default([]),
  answer: text,
});
const quickReplySchema = z.strictObject({
  id: identifier,
  topic: identifier,
  /** false: it answers its label and triggers but is not offered as a button (greetings, small talk). */
  button: z.boolean().default(true),
  variants: perLanguage(quickReplyVariantSchema),
});

const slotSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, "must be a camelCase name, e.g. orderNumber"),
  pattern: text,
  ask: perLanguage(text),
  invalid: perLanguage(text).optional(),
});
const flowSchema = z.strictObject({
  id: identifier,
  topic: identifier,
  variants: perLanguage(z.strictObject({ triggers: phrases })),
  slots: z.array(slotSchema).min(1, "must list at least one slot"),
  lookup: z.string().min(1).optional(),
  answer: perLanguage(text),
  notFound: perLanguage(text).optional(),
  unavailable: perLanguage(text).optional(),
});

const knowledgeBaseSchema = z
  .strictObject({
    defaultLanguage: language,
    entries: z.array(entrySchema).default([]),
    quickReplies: z.array(quickReplySchema).default([]),
    flows: z.array(flowSchema).default([]),
  })
  .superRefine((base, context) => {
    const report = (path: PropertyKey[], message: string) =>
      context.addIssue({ code: "custom", path, message });
    const requireDefault = (map: object | undefined, path: PropertyKey[]) => {
      if (map !== undefined && !(base.defaultLanguage in map)) {
        report([...path, base.defaultLanguage], `is missing: the default language must always be given`);
      }
    };

    const seen = new Map<string, string>();
    const claim = (id: string, path: PropertyKey[]) => {
      const where = formatPath(path);
      const first = seen.get(id);
      if (first === undefined) seen.set(id, where);
      else report([...path, "id"], `"${id}" is already used by ${first}`);
    };
    base.entries.forEach((entry, index) => {
      claim(entry.id, ["entries", index]);
      requireDefault(entry.variants, ["entries", index, "variants"]);
    });

    // Two Quick Replies with the same trigger in one language would make an exact match ambiguous.
    const triggerOwners = new Map<string, string>();
    base.quickReplies.forEach((reply, index) => {
      claim(reply.id, ["quickReplies", index]);
      requireDefault(reply.variants, ["quickReplies", index, "variants"]);
      for (const [code, variant] of Object.entries(reply.variants)) {
        [variant.label, ...variant.triggers].forEach((phrase, position) => {
          const path =
            position === 0
              ? ["quickReplies", index, "variants", code, "label"]
              : ["quickReplies", index, "variants", code, "triggers", position - 1];
          const key = `${code}:${normalizeText(phrase)}`;
          const owner = triggerOwners.get(key);
          if (normalizeText(phrase) === "") report(path, "has no letters or digits to match");
          else if (owner !== undefined && owner !== reply.id) {
            report(path, `"${phrase}" is also a trigger of quick reply "${owner}"`);
          } else triggerOwners.set(key, reply.id);
        });
      }
    });

    base.flows.forEach((flow, index) => {
      const at = ["flows", index];
      claim(flow.id, at);
      requireDefault(flow.variants, [...at, "variants"]);
      requireDefault(flow.answer, [...at, "answer"]);
      const names = new Set<string>();
      flow.slots.forEach((slot, slotIndex) => {
        const slotAt = [...at, "slots", slotIndex];
        if (names.has(slot.name))
          report([...slotAt, "name"], `"${slot.name}" is already a slot of this flow`);
        names.add(slot.name);
        requireDefault(slot.ask, [...slotAt, "ask"]);
        requireDefault(slot.invalid, [...slotAt, "invalid"]);
        try {
          new RegExp(slot.pattern, "u");
        } catch (error) {
          report([...slotAt, "pattern"], `is not a valid regular expression (${(error as Error).message})`);
        }
      });
      if (flow.lookup === undefined) {
        // Without a lookup, only the slots can fill the answer.
        for (const [code, answer] of Object.entries(flow.answer)) {
          for (const name of placeholdersOf(answer)) {
            if (!names.has(name)) report([...at, "answer", code], `uses {{${name}}}, which is not a slot`);
          }
        }
      } else {
        for (const field of ["notFound", "unavailable"] as const) {
          if (flow[field] === undefined) report([...at, field], "is required when the flow has a lookup");
          requireDefault(flow[field], [...at, field]);
        }
      }
    });
  });

export type KnowledgeBase = z.output<typeof knowledgeBaseSchema>;
export type KnowledgeBaseEntry = KnowledgeBase["entries"][number];
export type QuickReply = KnowledgeBase["quickReplies"][number];
export type Flow = KnowledgeBase["flows"][number];
export type FlowSlot = Flow["slots"][number];
/** A text (or variant) given per language; the knowledge base's default language is always present. */
export type PerLanguage<T> = Partial<Record<LanguageCode, T>>;

const HINTS: Record<string, string> = {
  defaultLanguage: `use one of ${SUPPORTED_LANGUAGES.join(", ")}`,
  id: "give every entry, quick reply and flow its own kebab-case id",
  topic: "name the topic in kebab-case, e.g. orders or opening-hours",
  variants: `key variants by language code (${SUPPORTED_LANGUAGES.join(", ")}) and always include the default language`,
  questions: "list the questions customers ask, as they would type them",
  keywords: "list single words or short phrases as strings",
  answer: "write the answer text for this language",
  label: "write the button text of the quick reply",
  triggers: "list the phrases that trigger it; each phrase may belong to one quick reply only per language",
  slots: "list the slots as { name, pattern, ask, invalid? }",
  pattern: 'write a JavaScript regular expression as a JSON string, e.g. "#?\\\\d{4,10}"',
  ask: "write the question that asks for this slot, per language",
  invalid: "write the text that re-asks after an invalid value, per language",
  notFound: "write the text given when the lookup finds nothing, per language",
  unavailable: "write the apology given when the lookup fails or is too slow, per language",
  name: "give each slot of a flow its own camelCase name",
};

/**
 * Validates a parsed JSON knowledge base. Throws LutinError KNOWLEDGE_BASE_INVALID whose message names every
 * wrong field by path (`entries[3].variants.fr.answer: must not be empty`) and whose hint says how to fix it.
 * `source` (a file name) only labels the message.
 */
export function parseKnowledgeBase(json: unknown, source = "knowledge base"): KnowledgeBase {
  const result = knowledgeBaseSchema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const problems = issues.map((issue) => describeIssue(issue));
  const hints = [...new Set(issues.map((issue) => hintFor(issue)))];
  return fail(`${source} is invalid: ${problems.join("; ")}`, hints.join("; "), {
    source,
    issues: issues.map((issue, index) => ({ path: formatPath(issue.path), problem: problems[index] })),
  });
}

/** Reads and validates a knowledge base JSON file. */
export async function loadKnowledgeBase(path: string): Promise<KnowledgeBase> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (cause) {
    return fail(
      `cannot read knowledge base ${path}`,
      "check the path and the file's permissions",
      {
        source: path,
      },
      cause,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (cause) {
    return fail(
      `${path} is not valid JSON: ${(cause as Error).message}`,
      "fix the JSON syntax (a trailing comma or a missing quote is the usual cause)",
      { source: path },
      cause,
    );
  }
  return parseKnowledgeBase(json, path);
}

/** The names of the `{{placeholders}}` of a template. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g)].map((match) => match[1] as string);
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): string {
  const where = formatPath(issue.path) || "knowledge base";
  if (issue.code === "unrecognized_keys" && isPerLanguage(issue.path)) {
    return issue.keys.map((key) => `${where}.${key}: "${key}" is not a supported language`).join("; ");
  }
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  }
  return `${where}: ${issue.message}`;
}

function hintFor(issue: Issue): string {
  if (issue.code === "unrecognized_keys" && isPerLanguage(issue.path)) return HINTS.variants as string;
  if (issue.code === "unrecognized_keys")
    return "remove the unknown field or fix its spelling (see examples/knowledge-base/README.md)";
  // The nearest field name, skipping language keys: "entries[3].variants.fr.answer" → answer.
  const field = [...issue.path]
    .reverse()
    .find(
      (segment): segment is string =>
        typeof segment === "string" && !(SUPPORTED_LANGUAGES as readonly string[]).includes(segment),
    );
  return (
    (field === undefined ? undefined : HINTS[field]) ??
    "see packages/core/demo/demo-shop.knowledge-base.json for a complete, valid example"
  );
}

/** The fields keyed by language code, where an unknown key is a wrong language rather than a typo. */
const PER_LANGUAGE_FIELDS = new Set(["variants", "ask", "invalid", "answer", "notFound", "unavailable"]);

function isPerLanguage(path: readonly PropertyKey[]): boolean {
  const last = path.at(-1);
  return typeof last === "string" && PER_LANGUAGE_FIELDS.has(last);
}

function formatPath(path: readonly PropertyKey[]): string {
  let formatted = "";
  for (const segment of path) {
    if (typeof segment === "number") formatted += `[${segment}]`;
    else formatted += formatted === "" ? String(segment) : `.${String(segment)}`;
  }
  return formatted;
}

function fail(message: string, hint: string, details: Record<string, unknown>, cause?: unknown): never {
  throw new LutinError("KNOWLEDGE_BASE_INVALID", message, { hint, details, cause });
}
