import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "../../assistant/language.js";
import { toChatMessages } from "./chat-messages.js";
import { buildSystemPrompt, describeLanguage, LANGUAGE_NAMES } from "./system-prompt.js";

describe("buildSystemPrompt", () => {
  const base = {
    companyName: "Acme",
    language: "de",
    emotion: "urgent",
    unsureMarker: "[[unsure]]",
    tenantInstructions: undefined,
  } as const;

  it("has a distinct English name for every supported language", () => {
    const names = SUPPORTED_LANGUAGES.map((code) => LANGUAGE_NAMES[code]);
    expect(new Set(names).size).toBe(SUPPORTED_LANGUAGES.length);
    expect(describeLanguage("zh")).toBe("Chinese (zh)");
  });

  it("puts the rules first and the tenant's instructions last, only when given", () => {
    const without = buildSystemPrompt(base);
    expect(without).toContain("MUST answer in German (de)");
    expect(without).toContain("shortest path");
    expect(without).not.toContain("Instructions from");
    const withInstructions = buildSystemPrompt({
      ...base,
      tenantInstructions: "Mention our 30-day returns.",
    });
    expect(withInstructions.startsWith(without)).toBe(true);
    expect(withInstructions.endsWith("Instructions from Acme:\nMention our 30-day returns.")).toBe(true);
  });
});

describe("toChatMessages", () => {
  it("does not repeat the latest message when the window already ends with it", () => {
    const messages = toChatMessages("S", [{ from: "customer", text: "Hi", at: 1 }], "Hi");
    expect(messages).toEqual([
      { role: "system", content: "S" },
      { role: "user", content: "Hi" },
    ]);
  });

  it("appends the latest message after an agent's or a different customer message", () => {
    expect(toChatMessages("S", [{ from: "agent", text: "Hi", at: 1 }], "Hi").slice(1)).toEqual([
      { role: "assistant", content: "Agent: Hi" },
      { role: "user", content: "Hi" },
    ]);
  });
});
