import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { asksForHuman, SUPPORTED_LANGUAGES } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { PUBLIC_DIRECTORY } from "./web-server.js";

/** The label table as the browser gets it: widget-labels.js run as a script, reading `window`. */
async function widgetLabels(): Promise<Record<string, Record<string, unknown>>> {
  const source = await readFile(join(PUBLIC_DIRECTORY, "widget-labels.js"), "utf8");
  const sandbox: { window: { __lutinWidgetLabels?: Record<string, Record<string, unknown>> } } = {
    window: {},
  };
  runInNewContext(source, sandbox);
  const labels = sandbox.window.__lutinWidgetLabels;
  if (labels === undefined) throw new Error("widget-labels.js did not set window.__lutinWidgetLabels");
  return labels;
}

describe("the widget's labels (issue 17, finding 8)", () => {
  it("exist in every language of Polyglot, and only in those", async () => {
    expect(Object.keys(await widgetLabels()).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
  });

  it("every language has every key, each a non-empty text", async () => {
    const labels = await widgetLabels();
    const keys = new Set(Object.values(labels).flatMap((table) => Object.keys(table)));
    for (const [language, table] of Object.entries(labels)) {
      const missing = [...keys].filter((key) => !Object.hasOwn(table, key));
      expect({ language, missing }).toEqual({ language, missing: [] });
      for (const [key, text] of Object.entries(table))
        expect({ language, key, ok: typeof text === "string" && text.trim().length > 0 }).toEqual({
          language,
          key,
          ok: true,
        });
    }
  });

  it("keeps the placeholders of each label ({agent}) in every language", async () => {
    const labels = await widgetLabels();
    const placeholders = (text: unknown) => String(text).match(/\{[a-z]+\}/g) ?? [];
    for (const [key, english] of Object.entries(labels.en as Record<string, unknown>))
      for (const [language, table] of Object.entries(labels))
        expect({ language, key, placeholders: placeholders(table[key]) }).toEqual({
          language,
          key,
          placeholders: placeholders(english),
        });
  });

  it("is translated: no language but English shows the English buttons", async () => {
    const labels = await widgetLabels();
    const english = labels.en as Record<string, string>;
    for (const [language, table] of Object.entries(labels)) {
      if (language === "en") continue;
      for (const key of ["open", "send", "solved", "human", "greeting"])
        expect({ language, key, text: table[key] }).not.toEqual({ language, key, text: english[key] });
    }
  });

  it("'Talk to a human' sends a request Escalation recognises in each language", async () => {
    for (const [language, table] of Object.entries(await widgetLabels()))
      expect({ language, asks: asksForHuman(String(table.humanText)) }).toEqual({ language, asks: true });
  });
});
