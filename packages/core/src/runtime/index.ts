export {
  BUILT_IN_ENCHANTMENTS,
  createLutinRuntime,
  type LutinRuntime,
  type LutinRuntimeOptions,
} from "./runtime.js";
export { DEMO_TENANT_FILE, type LoadedTenant, loadTenantFile } from "./tenant-file.js";
