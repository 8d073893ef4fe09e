import { describe, expect, it } from "vitest";
import { decideByScript, profileScripts } from "./script-profile.js";
import { stripNonLanguage } from "./strip-non-language.js";

describe("stripNonLanguage", () => {
  it.each([
    ["Commande #12345 pas reçue", "Commande pas reçue"],
    ["see https://example.com/a?b=1 please", "see please"],
    ["write to jean.dupont@example.fr now", "write to now"],
    ["<@U024BE7LH> hola", "hola"],
    ["@marie bonjour", "bonjour"],
    ["tracking 1Z999AA10123456784 missing", "tracking missing"],
    ["order on shop.example.com failed", "order on failed"],
  ])("%j → %j", (text, expected) => {
    expect(stripNonLanguage(text)).toBe(expected);
  });
});

describe("decideByScript", () => {
  it("lets the script with most letters win, counting a CJK character double", () => {
    expect(decideByScript(profileScripts("iPhoneの注文が届かない"))).toMatchObject({ language: "ja" });
    expect(decideByScript(profileScripts("My order 订单"))).toMatchObject({ kind: "latin" });
    expect(decideByScript(profileScripts("Bonjour مرحبا"))).toMatchObject({ kind: "latin" });
    expect(decideByScript(profileScripts("12 ?"))).toEqual({ kind: "no-letters" });
    expect(decideByScript(profileScripts("Привет"))).toEqual({ kind: "unsupported-script" });
  });
});

describe("digits inside Chinese and Japanese sentences", () => {
  it("removes only the number, not the sentence around it", () => {
    expect(stripNonLanguage("麻烦帮我查一下订单4471")).toBe("麻烦帮我查一下订单");
    expect(stripNonLanguage("注文番号4471を確認してもらえますか")).toBe("注文番号 を確認してもらえますか");
    expect(stripNonLanguage("Order AB-4471X please")).toBe("Order please");
  });
});

describe("patterns that start only where a run starts", () => {
  // Each attempt from inside a long run rescanned the rest of it: a 1,500-letter token followed by a digit
  // took 22 ms. What is removed is the same.
  it.each([
    ["hello jean.dupont@example.fr and AB-4471X", "hello and"],
    ["see www.example.com or shop.example.fr/cart", "see or"],
    ["<@U024BE7LH> <#C1|general> hola <https://x.fr|link>", "hola"],
    [`${"a".repeat(1_500)} 59`, "a".repeat(1_500)],
    [`${"a".repeat(1_500)}@`, `${"a".repeat(1_500)}@`],
    ["<@<@<@ hola", "<@<@<@ hola"],
  ])("%j → %j", (text, expected) => {
    expect(stripNonLanguage(text)).toBe(expected);
  });
});
