import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PUBLIC_DIRECTORY } from "./web-server.js";

describe("the widget's weight", () => {
  it("widget.js (with its labels) and widget.css together stay under 30 KB gzipped", async () => {
    const files = await Promise.all(
      ["widget-labels.js", "widget.js", "widget.css"].map((name) => readFile(join(PUBLIC_DIRECTORY, name))),
    );
    const gzipped = files.reduce((sum, file) => sum + gzipSync(file, { level: 9 }).length, 0);
    expect(gzipped).toBeGreaterThan(1_000);
    expect(gzipped).toBeLessThan(30 * 1024);
  });
});
