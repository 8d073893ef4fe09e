import { readFileSync } from "node:fs";
import { join } from "node:path";

/** What /widget.js sends, in this order: the label table first, so the widget finds it when it runs. */
export const WIDGET_SCRIPT_FILES = ["widget-labels.js", "widget.js"] as const;

const scripts = new Map<string, string>();

/**
 * The widget as one script, so an embedding site keeps its single tag: the labels (widget-labels.js, one
 * table per language) then the widget itself. Read once per process and directory.
 */
export function widgetScript(publicDirectory: string): string {
  let script = scripts.get(publicDirectory);
  if (script === undefined) {
    script = WIDGET_SCRIPT_FILES.map((file) => readFileSync(join(publicDirectory, file), "utf8")).join("\n");
    scripts.set(publicDirectory, script);
  }
  return script;
}
