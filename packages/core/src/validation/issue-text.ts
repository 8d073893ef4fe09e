/**
 * Pieces of the error messages that configuration checks write: where the problem is
 * (`plans[2].aiAllowance`) and what was given there (`got -5`), shortened so a message stays one line.
 */
export function formatPath(path: readonly PropertyKey[], root: string): string {
  let text = root;
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** `missing`, or `got <the value as JSON>` cut at 40 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `got ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
}

/** One line per zod issue: `unknown field "x" in contact`, or `contact.email: must be an e-mail address`. */
export function describeIssues(issues: readonly IssueLike[], root = ""): string[] {
  return issues.map((issue) => {
    const where = formatPath(issue.path, root);
    if (issue.code === "unrecognized_keys")
      return `unknown field ${(issue.keys ?? []).map((key) => `"${key}"`).join(", ")}${where === "" ? "" : ` in ${where}`}`;
    return `${where === "" ? "value" : where}: ${issue.message}`;
  });
}
