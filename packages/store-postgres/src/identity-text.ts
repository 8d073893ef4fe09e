/**
 * A JavaScript string as a PostgreSQL text value, one to one. PostgreSQL's text holds no NUL character,
 * and the driver sends strings as UTF-8, which turns every lone surrogate into U+FFFD: two different
 * idempotency keys would then be one, and the second event a "duplicate" (C11). Identity values come
 * from platforms and visitors, so any string can arrive. This escapes `\` as `\\`, NUL as `\0` and a
 * lone surrogate as `\uXXXX`; every other string, the usual case, is left as it is.
 */
export function identityText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be escaped.
  if (!/[\\\u0000\ud800-\udfff]/.test(value)) return value;
  let result = "";
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit === 0x5c) result += "\\\\";
    else if (unit === 0) result += "\\0";
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const following = value.charCodeAt(index + 1);
      if (following >= 0xdc00 && following <= 0xdfff) {
        result += value[index] + (value[index + 1] as string);
        index++;
      } else {
        result += `\\u${unit.toString(16)}`;
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) result += `\\u${unit.toString(16)}`;
    else result += value[index];
  }
  return result;
}

/**
 * A record as JSON text for a json column. JSON.stringify already escapes NUL and lone surrogates
 * (`\u0000`, `\ud800`), which the json type keeps as they are.
 */
export function recordText(record: unknown): string {
  return JSON.stringify(record);
}
