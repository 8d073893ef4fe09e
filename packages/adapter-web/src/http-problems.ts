import type { Response } from "express";
import type { z } from "zod";

/** Every API error is JSON `{ code, message }`; the message names the field and the fix. */
export function sendProblem(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ code, message });
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
