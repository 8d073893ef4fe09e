export { type AuditOptions, type AuditReport, audit } from "./commands/audit.js";
export { type SimulateOptions, type SimulationReport, simulate } from "./commands/simulate.js";
export { formatSimulation } from "./commands/simulate-table.js";
export { buildProgram, main } from "./main.js";
