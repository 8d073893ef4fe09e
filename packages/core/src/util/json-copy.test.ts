import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { copyJson } from "./json-copy.js";

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value));

describe("copyJson", () => {
  it("equals a JSON round trip on any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(copyJson(value)).toStrictEqual(roundTrip(value));
      }),
    );
  });

  it("equals a JSON round trip on objects with undefined, functions, non-finite numbers, dates and __proto__", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.string(), fc.constant("__proto__")),
          fc.oneof(
            fc.constant(undefined),
            fc.constant(() => 1),
            fc.constant(Number.NaN),
            fc.constant(Number.POSITIVE_INFINITY),
            fc.date({ noInvalidDate: true }),
            fc.array(fc.oneof(fc.constant(undefined), fc.integer(), fc.string())),
            fc.jsonValue(),
          ),
        ),
        (value) => {
          expect(copyJson(value)).toStrictEqual(roundTrip(value));
        },
      ),
    );
  });

  it("shares nothing with the original", () => {
    const original = { window: [{ from: "customer", text: "hi", at: 1 }], state: { nested: { n: 1 } } };
    const copy = copyJson(original);
    (copy.window[0] as { text: string }).text = "changed";
    copy.window.push({ from: "assistant", text: "x", at: 2 });
    copy.state.nested.n = 2;
    expect(original).toEqual({
      window: [{ from: "customer", text: "hi", at: 1 }],
      state: { nested: { n: 1 } },
    });
  });
});
