import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contextHashOf, conversationIdOf } from "./ids.js";

describe("ids", () => {
  it("keeps the ids already in stores: the digest of createHash, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.constantFrom("ai" as const, "human" as const),
        (thread, key, mode) => {
          const digest = createHash("sha256")
            .update(`${thread}\u0000${key}\u0000${mode}`)
            .digest("base64url");
          expect(conversationIdOf(thread, key, mode)).toBe(
            `${mode === "ai" ? "conv" : "human"}_${digest.slice(0, 22)}`,
          );
        },
      ),
    );
    expect(conversationIdOf("bench/web/visitor-1", "c-1-0", "ai")).toBe("conv_ompmaHX-hjO2uYR_UnV0Y5");
  });

  it("hashes the C6 context as before", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (texts) => {
        const expected = createHash("sha1").update(texts.join("\u0001")).digest("base64url").slice(0, 16);
        expect(contextHashOf(texts)).toBe(expected);
      }),
    );
  });
});
