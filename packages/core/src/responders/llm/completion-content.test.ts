import { describe, expect, it } from "vitest";
import { chatCompletionBody } from "../../testing/fake-chat-completions-server.js";
import { interpretReply, readCompletionContent } from "./completion-content.js";

describe("readCompletionContent", () => {
  it("reads the first choice's text and finish reason", () => {
    const body = JSON.stringify(chatCompletionBody("m", "Hello", { finishReason: "length" }));
    expect(readCompletionContent(body)).toEqual({ ok: true, content: "Hello", finishReason: "length" });
  });

  it.each([
    ["not json", "malformed JSON"],
    ["[1]", "malformed JSON"],
    ["null", "malformed JSON"],
    ["{}", "no choices"],
    ['{"choices":[]}', "no choices"],
    ['{"choices":[{}]}', "empty content"],
    ['{"choices":[{"message":{"content":[{"type":"text"}]}}]}', "empty content"],
    ['{"choices":[{"message":{"role":"assistant","content":"\\n "}}]}', "empty content"],
  ])("names the problem of %s", (body, problem) => {
    expect(readCompletionContent(body)).toEqual({ ok: false, problem });
  });
});

describe("interpretReply", () => {
  it("leaves a plain reply alone", () => {
    expect(interpretReply("  Step 1.\n  Step 2.\n", "[[unsure]]")).toEqual({
      text: "Step 1.\n  Step 2.",
      unsure: false,
    });
  });

  it("strips every marker, in any case, with the spaces before it", () => {
    expect(interpretReply("I think [[Unsure]] it ships Monday. [[unsure]]", "[[unsure]]")).toEqual({
      text: "I think it ships Monday.",
      unsure: true,
    });
  });

  it("treats regular-expression characters in the marker literally", () => {
    expect(interpretReply("Maybe (?)", "(?)")).toEqual({ text: "Maybe", unsure: true });
    expect(interpretReply("Maybe x", "(?)")).toEqual({ text: "Maybe x", unsure: false });
  });

  it("drops a leading <think> block, and nothing is left of a marker alone", () => {
    expect(interpretReply("<think>\nplan [[unsure]]\n</think>\nYes.", "[[unsure]]")).toEqual({
      text: "Yes.",
      unsure: false,
    });
    expect(interpretReply(" [[unsure]] ", "[[unsure]]")).toBeUndefined();
  });
});
