export { formatBusinessHours } from "./business-hours.js";
export type {
  DeepPartial,
  EnglishMessages,
  LanguageMessages,
  MessageKey,
  MessageOverrides,
  Messages,
  PluralMessageKey,
} from "./message-types.js";
export {
  PLURAL_CATEGORIES,
  PLURAL_CATEGORIES_BY_LANGUAGE,
  type PluralCategory,
  type PluralCategoryOf,
} from "./plural-categories.js";
export {
  createProductMessages,
  defaultProductMessages,
  type MessageValues,
  type ProductMessages,
  type ProductMessagesOptions,
  type TextDirection,
} from "./product-messages.js";
export { PRODUCT_MESSAGES } from "./resources/index.js";
export {
  type OpeningRange,
  parseWeeklyHours,
  WEEKDAYS,
  type Weekday,
  type WeeklyHours,
  weeklyHoursSchema,
} from "./weekly-hours.js";
