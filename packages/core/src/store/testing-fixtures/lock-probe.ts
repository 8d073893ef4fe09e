/**
 * Child process of the lock tests (lowdb-store.test.ts).
 * `probe <dataDir>`: tries to open the store and prints one JSON line: {"opened":true} or the error's code,
 * message and hint. `hold <dataDir>`: opens it, prints {"holding":<pid>} and keeps it until killed.
 */
import { LutinError } from "../../errors.js";
import { openLowdbStore } from "../lowdb-store.js";

const [mode, dataDir] = process.argv.slice(2);
if ((mode !== "probe" && mode !== "hold") || dataDir === undefined) {
  throw new Error("usage: lock-probe.ts probe|hold <dataDir>");
}

try {
  const store = await openLowdbStore({ dataDir });
  if (mode === "hold") {
    process.stdout.write(`${JSON.stringify({ holding: process.pid })}\n`);
    setInterval(() => undefined, 60_000);
  } else {
    await store.close();
    process.stdout.write(`${JSON.stringify({ opened: true })}\n`);
  }
} catch (error) {
  const details = LutinError.isInstance(error)
    ? { code: error.code, message: error.message, hint: error.hint }
    : { code: "UNEXPECTED", message: String(error) };
  process.stdout.write(`${JSON.stringify(details)}\n`);
}
