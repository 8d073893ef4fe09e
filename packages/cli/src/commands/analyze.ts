import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { createEmotionDetector, createLanguageDetector } from "@lutingenie/core";
import Table from "cli-table3";

/** One line of `lutin analyze --json`: how the assistant reads a message on its own. */
export interface AnalysisLine {
  text: string;
  /** One of the 12 codes, or null when the message has no language (numbers, emoji, links). */
  language: string | null;
  languageConfidence: number;
  /** Whether the reading is strong enough to switch a conversation's language (Polyglot). */
  languageReliable: boolean;
  emotion: string;
  emotionScore: number;
  /** Which cue families fired (never the text). */
  emotionCues: string[];
}

/**
 * `lutin analyze`: reads customer messages, one per line, and shows how the assistant reads each one on
 * its own — the tool for "why did the bot reply in Dutch?".
 */
export async function analyze(options: {
  input: Readable;
  output: Writable;
  json: boolean;
}): Promise<number> {
  const language = await createLanguageDetector();
  const emotion = createEmotionDetector();
  const lines: AnalysisLine[] = [];
  let count = 0;
  for await (const text of createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY })) {
    const guess = language.detect(text);
    const reading = emotion.read(text, guess.language);
    const line: AnalysisLine = {
      text,
      language: guess.language,
      languageConfidence: Math.round(guess.confidence * 1000) / 1000,
      languageReliable: guess.reliable,
      emotion: reading.emotion,
      emotionScore: Math.round(reading.score * 1000) / 1000,
      emotionCues: reading.cues,
    };
    count++;
    if (options.json) options.output.write(`${JSON.stringify(line)}\n`);
    else lines.push(line);
  }
  if (!options.json) {
    const table = new Table({
      head: ["message", "language", "sure?", "emotion", "score", "cues"],
      wordWrap: true,
      colWidths: [42, 10, 7, 12, 7, 30],
      // No colour codes: the table is read in pipes and files as often as in a terminal (as simulate's).
      style: { head: [], border: [] },
    });
    for (const line of lines)
      table.push([
        line.text,
        line.language ?? "—",
        line.languageReliable ? "yes" : `no (${line.languageConfidence})`,
        line.emotion,
        String(line.emotionScore),
        line.emotionCues.join(", "),
      ]);
    options.output.write(`${table.toString()}\n`);
  }
  return count;
}
