import type { Response } from "express";
import type { z } from "zod";

/** A refused request's body is read (and dropped) up to this before answering; past it the connection closes. */
const DRAINED_BODY_LIMIT = 64 * 1024;

/**
 * Every API error is JSON `{ code, message }`; the message names the field and the fix. A body nobody
 * read yet (a refused route, a body type no parser takes) is drained first: answering over unread bytes
 * makes Node close the connection with a reset, and the client never sees the answer.
 */
export function sendProblem(response: Response, status: number, code: string, message: string): void {
  const request = response.req;
  const answer = () => {
    if (!response.headersSent) response.status(status).json({ code, message });
  };
  if (request.complete || request.readableEnded || request.destroyed) {
    answer();
    return;
  }
  let drained = 0;
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained <= DRAINED_BODY_LIMIT) return;
    request.off("data", onData);
    if (!response.headersSent) response.set("Connection", "close");
    answer();
  };
  request.on("data", onData);
  request.once("end", answer);
  request.once("error", () => request.destroy());
  request.resume();
}

/**
 * The answer to an error thrown in a route or by a body parser: body-parser's and express's own errors
 * carry a 4xx status and a `type`; anything else is ours and a 500.
 */
export function problemOfHttpError(error: unknown): { status: number; code: string; message: string } {
  const { status, type } = error as { status?: unknown; type?: unknown };
  switch (type) {
    case "entity.too.large":
      return { status: 413, code: "BODY_TOO_LARGE", message: "the body is larger than 32 KB" };
    case "entity.parse.failed":
      return { status: 400, code: "BODY_INVALID", message: "the body is not valid JSON" };
    case "charset.unsupported":
      return { status: 415, code: "CHARSET_UNSUPPORTED", message: "send the body in UTF-8 (charset=utf-8)" };
    case "encoding.unsupported":
      return {
        status: 415,
        code: "ENCODING_UNSUPPORTED",
        message: "unsupported Content-Encoding: send the body as identity, gzip, deflate or br",
      };
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return { status: 400, code: "BODY_INVALID", message: "the body did not arrive whole" };
  }
  if (typeof status === "number" && status >= 400 && status < 500)
    return { status, code: "REQUEST_INVALID", message: "the request was refused" };
  return { status: 500, code: "INTERNAL", message: "internal error; the server log has the details" };
}

/** Parses with zod; on failure answers 400 with every problem and returns undefined. */
export function validate<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  response: Response,
): z.output<Schema> | undefined {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === "unrecognized_keys"
      ? `unknown field ${issue.keys.map((key) => `"${key}"`).join(", ")}`
      : `${issue.path.join(".") || "body"}: ${issue.message}`,
  );
  sendProblem(response, 400, "REQUEST_INVALID", problems.join("; "));
  return undefined;
}
