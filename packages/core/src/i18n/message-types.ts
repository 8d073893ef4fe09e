import type { LanguageCode } from "../assistant/language.js";
import type { PluralCategory, PluralCategoryOf } from "./plural-categories.js";
import type { en } from "./resources/en.js";

/** The English resource's shape: the single source of the message keys. */
export type EnglishMessages = typeof en;

/** An object whose keys are all plural categories is one plural message, not a group of messages. */
type IsPluralForms<Value> =
  Value extends Record<string, string>
    ? Exclude<keyof Value, PluralCategory> extends never
      ? true
      : false
    : false;

/** The English tree with every string kept and every plural message replaced by `Plural`. */
type MessageTree<Tree, Plural> = {
  [Key in keyof Tree]: Tree[Key] extends string
    ? string
    : IsPluralForms<Tree[Key]> extends true
      ? Plural
      : MessageTree<Tree[Key], Plural>;
};

/** One language's resource: every key, and for plurals exactly the categories that language has. */
export type LanguageMessages<Language extends LanguageCode> = MessageTree<
  EnglishMessages,
  { [Category in PluralCategoryOf<Language>]: string }
>;

/** The shape shared by all languages (plural forms are those of any language). */
export type Messages = MessageTree<EnglishMessages, { [Category in PluralCategory]?: string }>;

type KeysOf<Tree, Prefix extends string, Wanted> = {
  [Key in keyof Tree & string]: Tree[Key] extends string
    ? Wanted extends "plural"
      ? never
      : `${Prefix}${Key}`
    : IsPluralForms<Tree[Key]> extends true
      ? `${Prefix}${Key}`
      : KeysOf<Tree[Key], `${Prefix}${Key}.`, Wanted>;
}[keyof Tree & string];

/** "handoff.connecting" | "handoff.expectedWait" | ...: a key outside the English resource does not compile. */
export type MessageKey = KeysOf<EnglishMessages, "", "any">;
/** The keys rendered with a `count` value (their text depends on the language's plural rules). */
export type PluralMessageKey = KeysOf<EnglishMessages, "", "plural">;

export type DeepPartial<Value> = Value extends string
  ? Value
  : { [Key in keyof Value]?: DeepPartial<Value[Key]> };

/** A tenant's wording, per language; each language may only override the plural forms it has. */
export type MessageOverrides = { [Language in LanguageCode]?: DeepPartial<LanguageMessages<Language>> };
