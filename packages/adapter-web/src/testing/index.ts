// Clients that play the widget and the agent console over real WebSockets, and the real server on
// loopback, for the tests of any package that drives `lutin serve` (no traffic leaves the machine).
export { AgentTestClient } from "./agent-test-client.js";
export { adminCall, startTestServer, TEST_ADMIN_TOKEN, TEST_AGENT_TOKENS } from "./test-server.js";
export { BIKE_SHOP_HOURS_ANSWER, writeBikeShopTenant } from "./test-tenant-file.js";
export { type ServerFrame, WidgetTestClient } from "./widget-test-client.js";
