import { describe, expect, it } from "vitest";
import { mergeResults } from "./results-file.js";

describe("bench/RESULTS.md sections", () => {
  it("replaces only the benchmarks that ran, keeps the others and the notes, in the registry's order", () => {
    const first = mergeResults(
      "",
      [
        { name: "lowdb", markdown: "lowdb table v1" },
        { name: "counting", markdown: "counting table v1" },
      ],
      ["counting", "lowdb", "pipeline"],
    );
    const withNotes = `${first}\n<!-- notes -->\n## Reading these figures\nhand-written`;
    const second = mergeResults(
      withNotes,
      [{ name: "counting", markdown: "counting table v2" }],
      ["counting", "lowdb", "pipeline"],
    );
    expect(second).toContain("counting table v2");
    expect(second).not.toContain("counting table v1");
    expect(second).toContain("lowdb table v1");
    expect(second.indexOf("counting table v2")).toBeLessThan(second.indexOf("lowdb table v1"));
    expect(second.trimEnd().endsWith("## Reading these figures\nhand-written")).toBe(true);
  });
});
