import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DurableJsonFile, writeFileDurably, writePiecesDurably } from "./durable-file.js";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "lutin-durable-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("durable file", () => {
  it("writes pieces in order, more of them than one writev takes, multi-byte text included", async () => {
    const encoder = new TextEncoder();
    const texts = Array.from({ length: 10_000 }, (_, index) => `${index % 7 === 0 ? "é€😀" : ""}${index},`);
    const pieces = texts.map((text) => encoder.encode(text));
    // A view into a larger array writes only its own bytes.
    pieces.push(encoder.encode("[the end]").subarray(1, 8));
    const file = join(directory, "pieces.json");
    await writePiecesDurably(file, pieces);
    expect(await readFile(file, "utf8")).toBe(`${texts.join("")}the end`);
  });

  it("with pieces: the durable data is what was last written, and a file is read back as it was", async () => {
    const file = join(directory, "data.json");
    const encoder = new TextEncoder();
    const options = {
      parse: (text: string) => JSON.parse(text) as { n: number },
      serialize: (data: { n: number }) => [
        encoder.encode('{"n":'),
        encoder.encode(String(data.n)),
        encoder.encode("}"),
      ],
    };
    const adapter = new DurableJsonFile(file, options);
    expect(await adapter.read()).toBeNull();
    expect(adapter.durableData()).toBeNull();
    expect(adapter.durableBytes).toBe(0);
    await adapter.write({ n: 12 });
    expect(adapter.durableData()).toEqual({ n: 12 });
    expect(adapter.durableBytes).toBe(8);
    const reopened = new DurableJsonFile(file, options);
    expect(await reopened.read()).toEqual({ n: 12 });
    expect(reopened.durableData()).toEqual({ n: 12 });
    expect(reopened.durableBytes).toBe(8);
  });

  it("a failed write leaves the durable data as it was", async () => {
    const file = join(directory, "data.json");
    const adapter = new DurableJsonFile(file, {
      parse: (text: string) => JSON.parse(text) as { n: number },
      serialize: (data: { n: number }) => [new TextEncoder().encode(JSON.stringify(data))],
      writer: async (_file, text) => {
        if (text.includes("13")) throw Object.assign(new Error("no space left"), { code: "ENOSPC" });
        await writeFileDurably(file, text);
      },
    });
    await adapter.write({ n: 12 });
    await expect(adapter.write({ n: 13 })).rejects.toThrow("no space left");
    expect(adapter.durableData()).toEqual({ n: 12 });
    expect(await readFile(file, "utf8")).toBe('{"n":12}');
  });
});
