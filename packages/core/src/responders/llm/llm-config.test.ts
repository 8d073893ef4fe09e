import { describe, expect, it } from "vitest";
import { LutinError } from "../../errors.js";
import { LLM_API_KEY_VARIABLE, parseLlmConfig } from "./llm-config.js";

const LOCAL = { baseUrl: "http://127.0.0.1:11434/v1", model: "llama3.1:8b" };

function invalid(input: unknown, environment: Record<string, string> = {}): LutinError {
  try {
    parseLlmConfig(input, environment);
  } catch (error) {
    if (LutinError.isInstance(error, "LLM_CONFIG_INVALID")) return error;
    throw error;
  }
  throw new Error("expected LLM_CONFIG_INVALID");
}

describe("parseLlmConfig", () => {
  it("fills the defaults for a local server without a key", () => {
    expect(parseLlmConfig({ ...LOCAL, baseUrl: "http://127.0.0.1:11434/v1/" }, {})).toEqual({
      baseUrl: "http://127.0.0.1:11434/v1",
      model: "llama3.1:8b",
      apiKey: undefined,
      timeoutMs: 15_000,
      maxRetries: 2,
      retryBaseDelayMs: 500,
      retryMaxDelayMs: 10_000,
      temperature: 0.3,
      maxTokens: 512,
      systemPrompt: undefined,
      companyName: undefined,
      organization: undefined,
      headers: {},
      confidence: 0.8,
      unsureConfidence: 0.2,
      unsureMarker: "[[unsure]]",
    });
  });

  it("takes the key from the configuration first, then from the environment", () => {
    expect(
      parseLlmConfig({ ...LOCAL, apiKey: "sk-config" }, { [LLM_API_KEY_VARIABLE]: "sk-env" }).apiKey,
    ).toBe("sk-config");
    expect(parseLlmConfig(LOCAL, { [LLM_API_KEY_VARIABLE]: " sk-env " }).apiKey).toBe("sk-env");
    expect(parseLlmConfig(LOCAL, { [LLM_API_KEY_VARIABLE]: "  " }).apiKey).toBeUndefined();
  });

  it("treats blank tenant instructions as none", () => {
    expect(parseLlmConfig({ ...LOCAL, systemPrompt: "  \n" }, {}).systemPrompt).toBeUndefined();
    expect(parseLlmConfig({ ...LOCAL, systemPrompt: " Be brief. " }, {}).systemPrompt).toBe("Be brief.");
  });

  it("names the field, the value and the fix", () => {
    const error = invalid({ ...LOCAL, timeoutMs: -5 });
    expect(error.message).toBe(
      "LLM configuration is invalid: llm.timeoutMs: must be a whole number from 1 to 600000 (got -5)",
    );
    expect(error.hint).toMatch(/milliseconds per attempt/);
    expect(error.details).toEqual({ fields: ["llm.timeoutMs"] });
  });

  it("lists every wrong field at once", () => {
    const error = invalid({ baseUrl: "ftp://example.test/v1", temperature: 3, maxRetries: 1.5 });
    expect(error.message).toContain("llm.baseUrl: must start with http:// or https://");
    expect(error.message).toContain("llm.model: must be the model's name (missing)");
    expect(error.message).toContain("llm.temperature: must be a number from 0 to 2 (got 3)");
    expect(error.message).toContain("llm.maxRetries: must be a whole number from 0 to 10 (got 1.5)");
    expect(error.hint).toContain("e.g. llama3.1:8b");
  });

  it.each([
    ["localhost:11434", /must start with http:\/\/ or https:\/\//],
    ["not a url", /must be a URL/],
    ["http://user:secret@127.0.0.1:11434/v1", /must not carry credentials/],
    ["http://127.0.0.1:11434/v1/chat/completions", /must stop before \/chat\/completions/],
    ["http://127.0.0.1:11434/v1?x=1", /must not have a query/],
  ])("rejects the base URL %s", (baseUrl, problem) => {
    const error = invalid({ ...LOCAL, baseUrl });
    expect(error.message).toMatch(problem);
    expect(error.hint).toMatch(/http:\/\/127.0.0.1:11434\/v1/);
  });

  it("never shows the key or header values", () => {
    const error = invalid({ ...LOCAL, apiKey: "", headers: { "x-api-key": "sk-leak-123", "x-a": 5 } });
    const everything = `${error.describe()} ${JSON.stringify(error.details)}`;
    expect(everything).toContain("llm.apiKey: must be the API key, not empty;");
    expect(everything).toContain("llm.headers.x-a: must be text\n");
    expect(everything).not.toContain("sk-leak-123");
    expect(error.hint).toContain(LLM_API_KEY_VARIABLE);

    const inHeader = invalid({ ...LOCAL, headers: { Authorization: "Bearer sk-leak-456" } });
    expect(inHeader.message).toBe(
      "LLM configuration is invalid: llm.headers.Authorization: must not set Authorization",
    );
    expect(inHeader.hint).toContain("the key goes in llm.apiKey");
    expect(`${inHeader.describe()} ${JSON.stringify(inHeader.details)}`).not.toContain("sk-leak-456");
  });

  it("rejects header names and values fetch would refuse, and lower-cases names", () => {
    expect(invalid({ ...LOCAL, headers: { "x tenant": "a" } }).message).toContain(
      "llm.headers.x tenant: is not a valid header name",
    );
    expect(invalid({ ...LOCAL, headers: { "x-tenant": "a\r\nx-evil: 1" } }).message).toContain(
      "llm.headers.x-tenant: must not contain line breaks",
    );
    expect(parseLlmConfig({ ...LOCAL, headers: { "X-Tenant": "acme" } }, {}).headers).toEqual({
      "x-tenant": "acme",
    });
  });

  it("rejects unknown fields with the list of known ones", () => {
    const error = invalid({ ...LOCAL, timeout: 1000 });
    expect(error.message).toBe('LLM configuration is invalid: llm: unknown field "timeout"');
    expect(error.hint).toMatch(
      /remove "timeout" or fix the spelling; fields are baseUrl, model, apiKey, timeoutMs/,
    );
  });

  it("rejects a missing section and a cap below the base delay", () => {
    expect(invalid(undefined).message).toBe(
      "LLM configuration is invalid: llm: must be an object with at least baseUrl and model",
    );
    expect(invalid({ ...LOCAL, retryBaseDelayMs: 2_000, retryMaxDelayMs: 1_000 }).message).toContain(
      "llm.retryMaxDelayMs: must be at least retryBaseDelayMs (got 1000)",
    );
  });
});
