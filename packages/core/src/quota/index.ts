export {
  type AlertChange,
  type AlertCheck,
  alertChanges,
  alertsToFire,
  type Crossing,
  type LedgerAlertInput,
  ledgerAlerts,
  thresholdReached,
  thresholdsCrossed,
} from "./alerts.js";
export {
  DEFAULT_ALERT_THRESHOLDS,
  DEFAULT_ENCHANTMENT_OFFERS,
  DEFAULT_PLAN_CATALOG,
  type EnchantmentOffer,
  findPlan,
  type PlanCatalog,
  type PlanCatalogInput,
  parseAlertThresholds,
  parsePlanCatalog,
} from "./catalog.js";
export { computeInvoice, type Invoice, type InvoiceInput, type InvoiceLine } from "./invoice.js";
export {
  anchorDayOf,
  assertAnchorDay,
  assertTimeZone,
  type BillingCalendar,
  type BillingPeriod,
  canonicalTimeZone,
  daysInMonth,
  nextPeriod,
  PeriodIndex,
  periodByLabel,
  periodContaining,
  periodIndexFor,
  previousPeriod,
} from "./periods.js";
export {
  type Allowance,
  allowanceOf,
  billingOf,
  calendarOf,
  createTenant,
  enabledEnchantments,
  type NewTenant,
  planAt,
  requestPlanChange,
  type TenantBilling,
} from "./subscription.js";
export * from "./types.js";
export {
  allocateUsage,
  billableRows,
  computeUsage,
  type HumanUsage,
  type PackUsage,
  type UsageAllocation,
  type UsageDay,
  type UsageHistory,
  type UsageInput,
  type UsageSummary,
  usageHistory,
} from "./usage.js";
