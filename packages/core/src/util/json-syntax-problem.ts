/**
 * What a JSON.parse failure says, without what it read: Node's message quotes the text around the error
 * ("Unexpected token 's', ..."inToken": supersecre"..."), and the text may be a customer's message or a
 * token, which must not reach a log. Node's messages put any quoted text after a quote or an ellipsis.
 */
export function jsonSyntaxProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const unquoted = (message.split(/['"`]|\.\.\./)[0] ?? "").replace(/[\s,:]+$/, "");
  return unquoted === "" ? "syntax error" : unquoted.charAt(0).toLowerCase() + unquoted.slice(1);
}
