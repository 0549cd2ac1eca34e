import { int, loadConfig, str } from '@cairn/runtime';

export const gatewayConfigSchema = {
  host: str('CAIRN_API_HOST', '127.0.0.1'),
  port: int('CAIRN_API_PORT', 0),
  policyAddress: str('CAIRN_POLICY_ADDR'),
  metadataAddress: str('CAIRN_METADATA_ADDR'),
  pullRequestsAddress: str('CAIRN_PULL_REQUESTS_ADDR'),
  auditAddress: str('CAIRN_AUDIT_ADDR'),
  /** Where audit records go (the event log); empty: not recorded (unit tests only). */
  eventLogUrl: { ...str('CAIRN_EVENT_LOG_URL', ''), secret: true },
  /**
   * Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated addresses or
   * CIDR blocks). The default is loopback: in all-in-one mode the front door on the same host
   * forwards every API request. In a cluster, the ingress controller's network.
   */
  trustedProxies: str('CAIRN_TRUSTED_PROXIES', '127.0.0.1,::1'),
  /** Largest API request body accepted (PutFile carries up to 6 MB, base64-encoded). */
  maxBodyBytes: int('CAIRN_API_MAX_BODY_BYTES', 10 * 1024 * 1024),
};

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;
export const loadGatewayConfig = () => loadConfig(gatewayConfigSchema);
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
