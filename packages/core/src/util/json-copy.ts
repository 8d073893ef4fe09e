/**
 * A deep copy equal to `JSON.parse(JSON.stringify(value))` for the plain data a thread's memory holds,
 * without writing and re-parsing a text: the in-memory ThreadMemory copies up to 50 window messages on
 * every load and save, and the JSON round trip was a visible share of a turn. Anything that is not plain
 * data (a Date, a class instance, an object with `toJSON`) goes through JSON itself, so the result is
 * always what the round trip would give.
 */
export function copyJson<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) {
    // JSON writes non-finite numbers as null and -0 as 0; strings, booleans and numbers are immutable.
    if (typeof value === "number") return Number.isFinite(value) ? value + 0 : null;
    return value;
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      copy[index] = isDropped(item) ? null : copyValue(item);
    }
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || "toJSON" in value) {
    return JSON.parse(JSON.stringify(value));
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (isDropped(item)) continue;
    // JSON.parse makes "__proto__" an own property; an assignment would change the prototype instead.
    if (key === "__proto__")
      Object.defineProperty(copy, key, {
        value: copyValue(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = copyValue(item);
  }
  return copy;
}

/** Values JSON leaves out of objects (and writes as null in arrays). */
function isDropped(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}
