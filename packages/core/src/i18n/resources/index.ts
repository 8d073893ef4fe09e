import type { LanguageCode } from "../../assistant/language.js";
import type { LanguageMessages } from "../message-types.js";
import { ar } from "./ar.js";
import { de } from "./de.js";
import { en } from "./en.js";
import { es } from "./es.js";
import { fr } from "./fr.js";
import { it } from "./it.js";
import { ja } from "./ja.js";
import { nl } from "./nl.js";
import { pl } from "./pl.js";
import { pt } from "./pt.js";
import { tr } from "./tr.js";
import { zh } from "./zh.js";

/** The product's own wording in all 12 languages; the annotation makes a missing language a compile error. */
export const PRODUCT_MESSAGES: { readonly [Language in LanguageCode]: LanguageMessages<Language> } = {
  en,
  fr,
  es,
  de,
  it,
  pt,
  nl,
  pl,
  tr,
  ar,
  zh,
  ja,
};
