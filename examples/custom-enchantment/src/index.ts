export { type ProfanityShieldOptions, profanityShield } from "./profanity-shield.js";
