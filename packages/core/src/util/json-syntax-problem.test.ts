import { describe, expect, it } from "vitest";
import { jsonSyntaxProblem } from "./json-syntax-problem.js";

describe("jsonSyntaxProblem", () => {
  const problemOf = (text: string) => {
    try {
      JSON.parse(text);
    } catch (error) {
      return jsonSyntaxProblem(error);
    }
    throw new Error("parsed");
  };
  it("says where, never what was read there", () => {
    const problem = problemOf('{"adminToken": supersecret-token-123}');
    expect(problem).toBe("unexpected token");
    expect(problem).not.toContain("supersecret");
    expect(problemOf('{"text": "my card is 4242')).toBe("unterminated string in JSON at position 25");
    expect(problemOf("")).toBe("unexpected end of JSON input");
  });
});
