import { setTimeout as delay } from "node:timers/promises";
import type { Responder, ResponderReply, ResponderRequest } from "../../assistant/responder.js";
import { type Clock, systemClock } from "../../clock.js";
import { LutinError } from "../../errors.js";
import { toChatMessages } from "./chat-messages.js";
import { interpretReply, readCompletionContent } from "./completion-content.js";
import { type LlmConfig, parseLlmConfig } from "./llm-config.js";
import { isRetryableStatus, readRetryAfter, retryDelay } from "./retry-delay.js";
import { buildSystemPrompt } from "./system-prompt.js";

export interface LlmResponderOptions {
  /** Answers whenever the LLM cannot (knowledge base in practice); its reply keeps its own source. */
  fallback: Responder;
  /** Node's global fetch by default; any fetch-compatible function (a proxy agent, a test double). */
  fetch?: typeof fetch;
  /** The wait between attempts; tests inject one that records the delays instead of sleeping. */
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** 0..1, for the backoff jitter. */
  random?: () => number;
  /** Reads Retry-After HTTP dates. */
  clock?: Clock;
  /** Where LUTIN_LLM_API_KEY is read when the configuration has no apiKey; process.env by default. */
  environment?: Readonly<Record<string, string | undefined>>;
  /**
   * Told why the responder fell back: LLM_CONFIG_INVALID when the server refused the configuration
   * (400/401/403/404: fix the config), RESPONDER_FAILED otherwise (server down, overloaded, unusable
   * answer). Messages never hold the key nor the customer's text. An exception thrown here is ignored:
   * reporting must not cost the customer the fallback's answer.
   */
  onError?: (error: LutinError) => void;
}

/** The responder's name; replies it produces have the source `llm:<model>`. */
export const LLM_RESPONDER_NAME = "llm";

type Attempt =
  | { kind: "reply"; reply: ResponderReply }
  /** Worth another attempt: the server is down, slow or busy. */
  | { kind: "retry"; problem: string; retryAfterMs: number | undefined; status: number | undefined }
  /** Fall back now: another attempt would get the same answer. */
  | { kind: "give-up"; error: LutinError };

/**
 * An OpenAI-compatible chat-completions responder: hosted providers and local servers (Ollama, llama.cpp,
 * vLLM, LM Studio) alike, at `${baseUrl}/chat/completions`.
 *
 * Retries network errors, per-attempt time-outs, 408, 429 and 5xx up to `maxRetries` times with exponential
 * backoff and jitter (Retry-After honoured, capped at retryMaxDelayMs); a configuration error (400, 401, 403,
 * 404), an unusable 200 (malformed JSON, no choices, empty content) or the last failed retry falls back to
 * `options.fallback` and reports why to `options.onError`.
 *
 * Abort: when `request.signal` aborts (the pipeline's time budget is spent), the responder stops at once and
 * throws RESPONDER_TIMEOUT without calling the fallback: nobody is waiting for that answer any more, and the
 * pipeline, which owns the budget, decides what the customer sees.
 *
 * `config` is validated (LutinError LLM_CONFIG_INVALID) when the responder is created, not on first use.
 */
export function createLlmResponder(config: unknown, options: LlmResponderOptions): Responder {
  const settings = parseLlmConfig(config, options.environment);
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? systemClock;
  const url = `${settings.baseUrl}/chat/completions`;
  const headers = requestHeaders(settings);
  const source = `${LLM_RESPONDER_NAME}:${settings.model}`;

  async function attempt(body: string, request: ResponderRequest): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
    const forwardAbort = () => controller.abort(request.signal.reason);
    request.signal.addEventListener("abort", forwardAbort, { once: true });
    try {
      const response = await fetchFunction(url, { method: "POST", headers, body, signal: controller.signal });
      // Read the body even on errors: it frees the connection for the next attempt and names the problem.
      const text = await response.text();
      if (!response.ok) return classifyStatus(response.status, response.headers, text);
      return interpretBody(text, request);
    } catch (error) {
      if (request.signal.aborted) throw abortedError(request.signal.reason);
      if (timedOut) {
        return {
          kind: "retry",
          problem: `no answer within ${settings.timeoutMs} ms`,
          retryAfterMs: undefined,
          status: undefined,
        };
      }
      return {
        kind: "retry",
        problem: `network error (${networkErrorCode(error)})`,
        retryAfterMs: undefined,
        status: undefined,
      };
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener("abort", forwardAbort);
    }
  }

  function classifyStatus(status: number, responseHeaders: Headers, body: string): Attempt {
    if (isRetryableStatus(status)) {
      return {
        kind: "retry",
        problem: `HTTP ${status}`,
        retryAfterMs: readRetryAfter(responseHeaders, clock.now()),
        status,
      };
    }
    return { kind: "give-up", error: rejectionError(settings, status, serverErrorCode(body)) };
  }

  function interpretBody(body: string, request: ResponderRequest): Attempt {
    const content = readCompletionContent(body);
    const interpreted = content.ok ? interpretReply(content.content, settings.unsureMarker) : undefined;
    if (interpreted === undefined) {
      const problem = content.ok ? "empty content" : content.problem;
      return {
        kind: "give-up",
        error: new LutinError(
          "RESPONDER_FAILED",
          `the LLM server answered without a usable reply (${problem})`,
          {
            hint: `check that ${settings.baseUrl} speaks the OpenAI chat-completions protocol and that model "${settings.model}" produces text`,
            details: { model: settings.model, baseUrl: settings.baseUrl, problem },
          },
        ),
      };
    }
    return {
      kind: "reply",
      reply: {
        text: interpreted.text,
        confidence: interpreted.unsure ? settings.unsureConfidence : settings.confidence,
        source,
        // The LLM keeps no state of its own; passing the state through keeps a flow the fallback started.
        state: request.state,
      },
    };
  }

  async function fallBack(request: ResponderRequest, error: LutinError): Promise<ResponderReply> {
    try {
      options.onError?.(error);
    } catch {
      // See onError: reporting must not cost the customer an answer.
    }
    return options.fallback.respond(request);
  }

  return {
    name: LLM_RESPONDER_NAME,
    async respond(request: ResponderRequest): Promise<ResponderReply> {
      if (request.signal.aborted) throw abortedError(request.signal.reason);
      const systemPrompt = buildSystemPrompt({
        companyName: settings.companyName ?? request.tenant,
        language: request.language,
        emotion: request.emotion,
        unsureMarker: settings.unsureMarker,
        tenantInstructions: settings.systemPrompt,
      });
      const body = JSON.stringify({
        model: settings.model,
        messages: toChatMessages(systemPrompt, request.window, request.text),
        temperature: settings.temperature,
        max_tokens: settings.maxTokens,
      });

      for (let attemptNumber = 1; ; attemptNumber++) {
        const outcome = await attempt(body, request);
        if (outcome.kind === "reply") return outcome.reply;
        if (outcome.kind === "give-up") return fallBack(request, outcome.error);
        if (attemptNumber > settings.maxRetries) {
          return fallBack(request, exhaustedError(settings, attemptNumber, outcome.problem, outcome.status));
        }
        const wait = retryDelay(
          { baseDelayMs: settings.retryBaseDelayMs, maxDelayMs: settings.retryMaxDelayMs },
          attemptNumber - 1,
          outcome.retryAfterMs,
          random,
        );
        await sleepUnlessAborted(sleep, wait, request.signal);
      }
    },
  };
}

function requestHeaders(settings: LlmConfig): Record<string, string> {
  const headers: Record<string, string> = {
    ...settings.headers,
    "content-type": "application/json",
    accept: "application/json",
  };
  if (settings.apiKey !== undefined) headers.authorization = `Bearer ${settings.apiKey}`;
  if (settings.organization !== undefined) headers["openai-organization"] = settings.organization;
  return headers;
}

/** The configuration errors: the server refused what we sent, so retrying cannot help. */
function rejectionError(settings: LlmConfig, status: number, serverCode: string | undefined): LutinError {
  const details = { status, serverCode, model: settings.model, baseUrl: settings.baseUrl };
  switch (status) {
    case 401:
      return new LutinError(
        "LLM_CONFIG_INVALID",
        "the LLM server rejected the API key (401): check llm.apiKey",
        {
          hint:
            settings.apiKey === undefined
              ? `no key was sent: set llm.apiKey or the LUTIN_LLM_API_KEY environment variable to a key valid for ${settings.baseUrl}`
              : `set llm.apiKey (or LUTIN_LLM_API_KEY) to a key valid for ${settings.baseUrl}; the key in use is wrong, revoked or expired`,
          details,
        },
      );
    case 403:
      return new LutinError(
        "LLM_CONFIG_INVALID",
        "the LLM server refused access (403): check llm.apiKey and llm.organization",
        {
          hint: `use a key (and organization) allowed to call model "${settings.model}" at ${settings.baseUrl}`,
          details,
        },
      );
    case 404:
      return serverCode === "model_not_found"
        ? new LutinError(
            "LLM_CONFIG_INVALID",
            `the LLM server does not serve model "${settings.model}" (404): check llm.model`,
            {
              hint: `use a model the server at ${settings.baseUrl} lists (GET ${settings.baseUrl}/models)`,
              details,
            },
          )
        : new LutinError(
            "LLM_CONFIG_INVALID",
            "the LLM server has no chat-completions endpoint there (404): check llm.baseUrl",
            {
              hint: `requests go to ${settings.baseUrl}/chat/completions; OpenAI-compatible servers usually need the /v1 suffix, e.g. http://127.0.0.1:11434/v1`,
              details,
            },
          );
    case 400:
      return new LutinError(
        "LLM_CONFIG_INVALID",
        `the LLM server rejected the request (400${serverCode === undefined ? "" : `, ${serverCode}`}): check llm.model, llm.maxTokens and llm.temperature`,
        {
          hint: `make sure model "${settings.model}" accepts chat messages, maxTokens ${settings.maxTokens} and temperature ${settings.temperature}; a long context window may exceed the model's context length`,
          details,
        },
      );
    default:
      return new LutinError("RESPONDER_FAILED", `the LLM server refused the request (HTTP ${status})`, {
        hint: `check the server at ${settings.baseUrl} and its logs for HTTP ${status}`,
        details,
      });
  }
}

function exhaustedError(
  settings: LlmConfig,
  attempts: number,
  problem: string,
  status: number | undefined,
): LutinError {
  const hint =
    status === 429
      ? "the provider is rate-limiting this key: lower the traffic, raise the key's limits or llm.maxRetries"
      : status === undefined
        ? `check that the server at ${settings.baseUrl} is up and reachable; raise llm.timeoutMs for a slow local model`
        : `check the server at ${settings.baseUrl} and its logs; it may be overloaded or failing`;
  return new LutinError(
    "RESPONDER_FAILED",
    `the LLM server gave no usable answer in ${attempts} attempt${attempts > 1 ? "s" : ""} (last: ${problem})`,
    { hint, details: { attempts, problem, status, model: settings.model, baseUrl: settings.baseUrl } },
  );
}

function abortedError(reason: unknown): LutinError {
  return new LutinError("RESPONDER_TIMEOUT", "the LLM responder was aborted before it could answer", {
    hint: "the pipeline's time budget ran out; raise it or lower llm.timeoutMs and llm.maxRetries",
    cause: reason,
  });
}

/**
 * The provider's machine-readable error code (`invalid_api_key`, `model_not_found`), never its free text:
 * some providers echo part of the key or of the prompt in their messages.
 */
function serverErrorCode(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error =
    typeof parsed === "object" && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, type } = error as { code?: unknown; type?: unknown };
  const candidate = typeof code === "string" ? code : typeof type === "string" ? type : undefined;
  return candidate !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(candidate) ? candidate : undefined;
}

/** undici wraps the socket error: "fetch failed" with a cause such as ECONNREFUSED or UND_ERR_SOCKET. */
function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string") {
    return cause.code;
  }
  return error instanceof Error ? error.name : "unknown";
}

async function sleepUnlessAborted(
  sleep: (milliseconds: number, signal: AbortSignal) => Promise<void>,
  milliseconds: number,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) throw abortedError(signal.reason);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    sleep(milliseconds, signal).then(
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? abortedError(signal.reason) : error);
      },
    );
  });
  if (signal.aborted) throw abortedError(signal.reason);
}

function defaultSleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  // Aborting rejects the wait; sleepUnlessAborted turns that into RESPONDER_TIMEOUT.
  return delay(milliseconds, undefined, { signal });
}
