import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LutinError } from "../../errors.js";
import { demoKnowledgeBase, dontKnow } from "./demo-shop.test-support.js";
import { loadKnowledgeBase, parseKnowledgeBase } from "./knowledge-base-file.js";
import { createKnowledgeBaseResponder } from "./knowledge-base-responder.js";

const entry = (id: string, fr?: unknown) => ({
  id,
  topic: "general",
  variants: {
    en: { questions: [`question ${id}?`], answer: `answer ${id}` },
    ...(fr === undefined ? {} : { fr }),
  },
});

function parseError(json: unknown): LutinError {
  try {
    parseKnowledgeBase(json, "shop.json");
  } catch (error) {
    if (LutinError.isInstance(error, "KNOWLEDGE_BASE_INVALID")) return error;
    throw error;
  }
  throw new Error("expected KNOWLEDGE_BASE_INVALID");
}

describe("parseKnowledgeBase", () => {
  it("names the path of an empty answer and says how to fix it", () => {
    const error = parseError({
      defaultLanguage: "en",
      entries: [entry("a"), entry("b"), entry("c"), entry("d", { questions: ["d ?"], answer: "  " })],
    });
    expect(error.message).toContain("shop.json is invalid");
    expect(error.message).toContain("entries[3].variants.fr.answer: must not be empty");
    expect(error.hint).toContain("answer text");
  });

  it("names unknown fields, unsupported languages and a missing default-language variant", () => {
    const error = parseError({
      defaultLanguage: "fr",
      entries: [{ ...entry("a"), anwser: "typo" }],
      quickReplies: [{ id: "q", topic: "t", variants: { english: { label: "Hi", answer: "Hello" } } }],
    });
    expect(error.message).toContain('entries[0]: unknown field "anwser"');
    expect(error.message).toContain(
      'quickReplies[0].variants.english: "english" is not a supported language',
    );
    expect(error.message).toContain(
      "entries[0].variants.fr: is missing: the default language must always be given",
    );
  });

  it("rejects duplicate ids, clashing quick reply triggers and slot patterns that are not regular expressions", () => {
    const quick = (id: string, trigger: string) => ({
      id,
      topic: "t",
      variants: { en: { label: id, triggers: [trigger], answer: "x" } },
    });
    const error = parseError({
      defaultLanguage: "en",
      entries: [entry("same"), entry("same")],
      quickReplies: [quick("one", "Opening hours"), quick("two", "opening HOURS!")],
      flows: [
        {
          id: "order-status",
          topic: "orders",
          variants: { en: { triggers: ["where is my order"] } },
          slots: [{ name: "orderNumber", pattern: "#?(\\d{4", ask: { en: "Number?" } }],
          answer: { en: "Order {{orderNumber}} is {{status}}" },
        },
      ],
    });
    expect(error.message).toContain('entries[1].id: "same" is already used by entries[0]');
    expect(error.message).toContain(
      'quickReplies[1].variants.en.triggers[0]: "opening HOURS!" is also a trigger of quick reply "one"',
    );
    expect(error.message).toContain("flows[0].slots[0].pattern: is not a valid regular expression");
    expect(error.message).toContain("flows[0].answer.en: uses {{status}}, which is not a slot");
  });

  it("requires notFound and unavailable texts when a flow has a lookup", () => {
    const error = parseError({
      defaultLanguage: "en",
      flows: [
        {
          id: "order-status",
          topic: "orders",
          variants: { en: { triggers: ["where is my order"] } },
          slots: [{ name: "orderNumber", pattern: "\\d+", ask: { en: "Number?" } }],
          lookup: "orderStatus",
          answer: { en: "Order {{orderNumber}} is {{status}}" },
        },
      ],
    });
    expect(error.message).toContain("flows[0].notFound: is required when the flow has a lookup");
    expect(error.message).toContain("flows[0].unavailable: is required when the flow has a lookup");
  });

  it("accepts the demo shop, in four languages", () => {
    const base = demoKnowledgeBase();
    expect(base.entries.length).toBeGreaterThanOrEqual(8);
    expect(base.quickReplies.length).toBeGreaterThanOrEqual(4);
    for (const item of [...base.entries, ...base.quickReplies, ...base.flows]) {
      expect(Object.keys(item.variants).sort()).toEqual(["de", "en", "es", "fr"]);
    }
  });
});

describe("loadKnowledgeBase", () => {
  it("reads a file, and reports broken JSON with the file's name", async () => {
    const folder = await mkdtemp(join(tmpdir(), "knowledge-base-"));
    const good = join(folder, "good.json");
    await writeFile(good, JSON.stringify({ defaultLanguage: "en", entries: [entry("a")] }));
    expect((await loadKnowledgeBase(good)).entries[0]?.id).toBe("a");

    const broken = join(folder, "broken.json");
    await writeFile(broken, '{ "defaultLanguage": "en", }');
    const error = await loadKnowledgeBase(broken).catch((caught: unknown) => caught);
    expect(LutinError.isInstance(error, "KNOWLEDGE_BASE_INVALID")).toBe(true);
    expect((error as LutinError).message).toContain(`${broken} is not valid JSON`);
  });
});

describe("createKnowledgeBaseResponder", () => {
  it("refuses a flow whose lookup was not given, naming the flow and the fix", () => {
    expect(() => createKnowledgeBaseResponder({ knowledgeBase: demoKnowledgeBase(), dontKnow })).toThrow(
      /flows\[0\]\.lookup: "orderStatus" is not among the lookups given \(none\)/,
    );
  });
});
