import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, systemClock } from "../clock.js";

/**
 * A local server speaking the OpenAI chat-completions protocol, for tests of anything that calls an LLM:
 * real HTTP on 127.0.0.1 (an ephemeral port), the real request validation, error format and response shape,
 * and a script deciding what each valid request gets. It is the fake at the network boundary the
 * architecture allows; nothing inside our own code is faked.
 */

export interface FakeChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool";
  content: string;
}

/** A request that passed validation, as the script sees it. */
export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  temperature?: number;
  max_tokens?: number;
  [field: string]: unknown;
}

/** Every request the server received, valid or not, in arrival order. */
export interface RecordedChatRequest {
  method: string;
  path: string;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed body when it was JSON. */
  body: unknown;
  /** Set when the request passed validation and the script was asked. */
  chat: FakeChatRequest | undefined;
  /** What the server answered (0 when the script dropped the connection). */
  status: number;
  receivedAt: number;
}

/**
 * What one valid request gets:
 * - a string: a 200 completion whose assistant message is that text;
 * - `{ status, body?, headers? }`: that raw response (an object body is sent as JSON, a string as is, so a
 *   test can send malformed JSON);
 * - `{ delayMs, reply? }`: waits that long (real time), then answers `reply` (default: the text "ok");
 * - `"drop"`: destroys the socket without answering.
 */
export type FakeChatBehaviour =
  | string
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { delayMs: number; reply?: FakeChatBehaviour }
  | "drop";

export interface FakeChatContext {
  /** 0-based position among the valid requests. */
  index: number;
  headers: Record<string, string>;
}

/** A function of the request, or a list played in order (the last entry repeats). */
export type FakeChatScript =
  | ((request: FakeChatRequest, context: FakeChatContext) => FakeChatBehaviour | Promise<FakeChatBehaviour>)
  | readonly FakeChatBehaviour[];

export interface FakeChatCompletionsOptions {
  /** When set, requests need `Authorization: Bearer <apiKey>` (401 otherwise, in the provider's format). */
  apiKey?: string;
  /** When set, other models get 404 model_not_found. */
  models?: readonly string[];
  /** Default: every request gets the text "ok". */
  respond?: FakeChatScript;
  /** For the `created` field. */
  clock?: Clock;
}

export interface FakeChatCompletionsServer {
  /** `http://127.0.0.1:<port>/v1`: what a client configures as its base URL. */
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedChatRequest[];
  /** Changes the script for the next requests. */
  respondWith(script: FakeChatScript): void;
  /** Stops listening, cancels delayed answers and closes open connections; calling it again is harmless. */
  close(): Promise<void>;
}

const ROLES: ReadonlySet<string> = new Set(["system", "developer", "user", "assistant", "tool"]);
const ENDPOINT = "/v1/chat/completions";

/** The body of a successful completion, in the real shape; also for tests that tweak one field of it. */
export function chatCompletionBody(
  model: string,
  content: string | null,
  options: { id?: string; created?: number; finishReason?: string; promptCharacters?: number } = {},
): Record<string, unknown> {
  const promptTokens = Math.ceil((options.promptCharacters ?? 0) / 4);
  const completionTokens = Math.ceil((content ?? "").length / 4);
  return {
    id: options.id ?? "chatcmpl-fake",
    object: "chat.completion",
    created: options.created ?? Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content },
        logprobs: null,
        finish_reason: options.finishReason ?? "stop",
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

/** An error body in the provider's format. */
export function chatErrorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param, code } };
}

export async function startFakeChatCompletionsServer(
  options: FakeChatCompletionsOptions = {},
): Promise<FakeChatCompletionsServer> {
  const clock = options.clock ?? systemClock;
  const requests: RecordedChatRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let script: FakeChatScript = options.respond ?? ["ok"];
  let validCount = 0;
  let completionCount = 0;
  let closing: Promise<void> | undefined;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const headers = flattenHeaders(request);
    const record: RecordedChatRequest = {
      method: request.method ?? "",
      path: request.url ?? "",
      headers,
      rawBody,
      body: undefined,
      chat: undefined,
      status: 0,
      receivedAt: clock.now(),
    };
    requests.push(record);
    const send = (status: number, body: unknown, extraHeaders: Record<string, string> = {}) => {
      record.status = status;
      if (response.destroyed) return;
      const text = typeof body === "string" ? body : JSON.stringify(body);
      response.writeHead(status, { "content-type": "application/json", ...extraHeaders });
      response.end(text);
    };

    if (record.path !== ENDPOINT) {
      send(
        404,
        chatErrorBody(
          `Unknown request URL: ${record.method} ${record.path}.`,
          "invalid_request_error",
          "unknown_url",
        ),
      );
      return;
    }
    if (record.method !== "POST") {
      send(405, chatErrorBody("Method not allowed; use POST.", "invalid_request_error", null), {
        allow: "POST",
      });
      return;
    }
    if (options.apiKey !== undefined) {
      const given = headers.authorization;
      if (given === undefined || !given.startsWith("Bearer ")) {
        send(
          401,
          chatErrorBody(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
            "invalid_request_error",
            "invalid_api_key",
          ),
        );
        return;
      }
      if (given !== `Bearer ${options.apiKey}`) {
        // Real providers echo (part of) the wrong key; the full key here proves clients do not copy this text.
        send(
          401,
          chatErrorBody(
            `Incorrect API key provided: ${given.slice("Bearer ".length)}.`,
            "invalid_request_error",
            "invalid_api_key",
          ),
        );
        return;
      }
    }
    if (!(headers["content-type"] ?? "").includes("application/json")) {
      send(400, chatErrorBody("Content-Type must be application/json.", "invalid_request_error", null));
      return;
    }
    try {
      record.body = JSON.parse(rawBody);
    } catch {
      send(
        400,
        chatErrorBody(
          "We could not parse the JSON body of your request.",
          "invalid_request_error",
          "invalid_json",
        ),
      );
      return;
    }
    const invalid = validateChatRequest(record.body);
    if (invalid !== undefined) {
      send(400, chatErrorBody(invalid.message, "invalid_request_error", null, invalid.param));
      return;
    }
    const chat = record.body as FakeChatRequest;
    if (options.models !== undefined && !options.models.includes(chat.model)) {
      send(
        404,
        chatErrorBody(
          `The model \`${chat.model}\` does not exist or you do not have access to it.`,
          "invalid_request_error",
          "model_not_found",
        ),
      );
      return;
    }
    record.chat = chat;
    const index = validCount++;
    const behaviour =
      typeof script === "function"
        ? await script(chat, { index, headers })
        : (script[Math.min(index, script.length - 1)] ?? "ok");
    await play(behaviour, chat, rawBody.length, request, response, send);
  }

  async function play(
    behaviour: FakeChatBehaviour,
    chat: FakeChatRequest,
    promptCharacters: number,
    request: IncomingMessage,
    response: ServerResponse,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): Promise<void> {
    if (behaviour === "drop") {
      request.socket.destroy();
      return;
    }
    if (typeof behaviour === "string") {
      completionCount++;
      send(
        200,
        chatCompletionBody(chat.model, behaviour, {
          id: `chatcmpl-fake-${completionCount}`,
          created: Math.floor(clock.now() / 1000),
          promptCharacters,
        }),
      );
      return;
    }
    if ("delayMs" in behaviour) {
      const waited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve(true);
        }, behaviour.delayMs);
        timers.add(timer);
        // The client gave up (time-out, abort): nothing left to answer.
        response.once("close", () => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(false);
        });
      });
      if (waited) await play(behaviour.reply ?? "ok", chat, promptCharacters, request, response, send);
      return;
    }
    send(behaviour.status, behaviour.body ?? "", behaviour.headers);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(
          JSON.stringify(chatErrorBody(`fake server failure: ${String(error)}`, "server_error", null)),
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    respondWith(next) {
      script = next;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Idempotent, so that a test may close early and an afterEach close again.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function validateChatRequest(body: unknown): { message: string; param: string } | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { message: "The request body must be a JSON object.", param: "body" };
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== "string" || fields.model === "") {
    return { message: "you must provide a model parameter", param: "model" };
  }
  const messages = fields.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return { message: "'messages' must be a non-empty array.", param: "messages" };
  }
  for (const [index, message] of messages.entries()) {
    const entry = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
    if (typeof entry.role !== "string" || !ROLES.has(entry.role)) {
      return { message: `Invalid value for 'messages[${index}].role'.`, param: `messages[${index}].role` };
    }
    if (typeof entry.content !== "string") {
      return {
        message: `Invalid type for 'messages[${index}].content'.`,
        param: `messages[${index}].content`,
      };
    }
  }
  const temperature = fields.temperature;
  if (temperature !== undefined && (typeof temperature !== "number" || temperature < 0 || temperature > 2)) {
    return { message: "'temperature' must be a number from 0 to 2.", param: "temperature" };
  }
  const maxTokens = fields.max_tokens;
  if (
    maxTokens !== undefined &&
    (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1)
  ) {
    return { message: "'max_tokens' must be a positive integer.", param: "max_tokens" };
  }
  if (fields.stream === true) {
    return { message: "This fake server does not stream; send stream: false.", param: "stream" };
  }
  return undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
