import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { analyze } from "./analyze.js";
import { type ChatReplyLine, chat } from "./chat.js";

async function chatWith(lines: string[], enchantments?: string[]): Promise<ChatReplyLine[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const errors = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const done = chat({
    json: true,
    input,
    output,
    errors,
    ...(enchantments === undefined ? {} : { enchantments }),
  });
  input.end(`${lines.join("\n")}\n`);
  await done;
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ChatReplyLine);
}

describe("lutin chat (the terminal adapter on the real pipeline)", () => {
  it("answers the guide's order flow end to end in one counted conversation", async () => {
    const replies = await chatWith(["Where is my order?", "#12345"]);
    expect(replies.map((reply) => reply.text)).toEqual([
      expect.stringMatching(/order number/),
      expect.stringMatching(/^Your order #12345 has shipped/),
    ]);
    expect(new Set(replies.map((reply) => reply.conversation?.id)).size).toBe(1);
    expect(replies.at(-1)?.conversation?.counted).toBe(true);
  });

  it("answers in the customer's language and tone with Polyglot and Emotion, and keeps the language on 'ok'", async () => {
    const replies = await chatWith([
      "Bonjour, quels sont vos horaires d'ouverture ?",
      "ok",
      "C'est inadmissible, ça fait trois fois que je demande !!!",
    ]);
    expect(replies.map((reply) => reply.language)).toEqual(["fr", "fr", "fr"]);
    expect(replies[0]?.text).toMatch(/lundi/i);
    expect(replies[2]?.emotion).toBe("frustrated");
    expect(replies[2]?.text).toMatch(/^(Toutes mes excuses|Je suis vraiment désolé)/);
  });

  it("answers in the tenant's default language without Polyglot", async () => {
    const replies = await chatWith(["Bonjour, quels sont vos horaires d'ouverture ?"], ["emotion"]);
    expect(replies[0]?.language).toBe("en");
    expect(replies[0]?.enchantments).toEqual(["emotion", "escalation:off"]);
  });
});

describe("lutin analyze", () => {
  it("prints one object per input line, in order, with null language for text without one", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    const done = analyze({ input, output, json: true });
    input.end("Waar is mijn bestelling?\n#12345\n😡😡😡\nThank you so much, that was perfect!\n");
    expect(await done).toBe(4);
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.text, line.language, line.emotion])).toEqual([
      ["Waar is mijn bestelling?", "nl", "neutral"],
      ["#12345", null, "neutral"],
      ["😡😡😡", null, "frustrated"],
      ["Thank you so much, that was perfect!", "en", "happy"],
    ]);
    expect(Object.keys(lines[0] ?? {})).toEqual(
      expect.arrayContaining(["text", "language", "languageConfidence", "emotion", "emotionScore"]),
    );
  });

  it("prints its table without colour codes, so a pipe or a file gets plain text", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
    });
    const done = analyze({ input, output, json: false });
    input.end("Où est ma commande ?\n");
    expect(await done).toBe(1);
    expect(text).toContain("Où est ma commande ?");
    expect(text).not.toContain(String.fromCharCode(27)); // ESC: the start of every colour code
  });
});
