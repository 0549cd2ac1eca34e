import { int, loadConfig, str } from '@cairn/runtime';

export const gitProtocolConfigSchema = {
  host: str('CAIRN_HTTP_HOST', '127.0.0.1'),
  port: int('CAIRN_HTTP_PORT', 8080),
  policyAddress: str('CAIRN_POLICY_ADDR'),
  metadataAddress: str('CAIRN_METADATA_ADDR'),
  storageAddress: str('CAIRN_STORAGE_ADDR'),
  /** The API gateway, for every path that is not git (all-in-one: this service is the front door). */
  apiGatewayUrl: str('CAIRN_API_GATEWAY_URL', ''),
  /** Git over SSH listens here (on `host`), when a host key file is configured. */
  sshPort: int('CAIRN_SSH_PORT', 2222),
  /** The SSH host key (OpenSSH format); generated (ed25519, mode 0600) when missing. Empty: no SSH server. */
  sshHostKeyFile: str('CAIRN_SSH_HOST_KEY_FILE', ''),
  /**
   * SSH limits (decision 0013); 0 turns a limit off. Concurrent git commands (upload-pack or
   * receive-pack sessions) of one IAM user, over all their connections.
   */
  sshMaxSessionsPerUser: int('CAIRN_SSH_MAX_SESSIONS_PER_USER', 20),
  /** Concurrent SSH connections from one source address, counted from the TCP accept (authenticated or not). */
  sshMaxConnectionsPerAddress: int('CAIRN_SSH_MAX_CONNECTIONS_PER_ADDRESS', 50),
  /** Failed authentication attempts (keys tried) before a connection is closed (OpenSSH's MaxAuthTries). */
  sshMaxAuthTries: int('CAIRN_SSH_MAX_AUTH_TRIES', 6),
  /** Seconds from the TCP accept for a client to authenticate (OpenSSH's LoginGraceTime). */
  sshLoginGraceSeconds: int('CAIRN_SSH_LOGIN_GRACE_SECONDS', 60),
  /** An authenticated connection over which no channel data moved either way for this long is closed. */
  sshIdleTimeoutSeconds: int('CAIRN_SSH_IDLE_TIMEOUT_SECONDS', 600),
  /** Longest an SSH connection may last, in seconds, however busy. */
  sshSessionTimeoutSeconds: int('CAIRN_SSH_SESSION_TIMEOUT_SECONDS', 6 * 60 * 60),
  /**
   * Proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR blocks), e.g. the
   * ingress controller's network. Empty: the peer address is the client's.
   */
  trustedProxies: str('CAIRN_TRUSTED_PROXIES', ''),
  /** PEM certificate chain and key: when both are set the public port speaks HTTPS. */
  tlsCertFile: str('CAIRN_TLS_CERT_FILE', ''),
  tlsKeyFile: str('CAIRN_TLS_KEY_FILE', ''),
  /** Largest push accepted, in bytes. */
  maxPushBytes: int('CAIRN_MAX_PUSH_BYTES', 5 * 1024 * 1024 * 1024),
};

export type GitProtocolConfig = ReturnType<typeof loadGitProtocolConfig>;
export const loadGitProtocolConfig = () => {
  const config = loadConfig(gitProtocolConfigSchema);
  if (!config.tlsCertFile !== !config.tlsKeyFile) throw new Error('set both CAIRN_TLS_CERT_FILE and CAIRN_TLS_KEY_FILE, or neither');
  // Plain HTTP carries passwords in the clear: only loopback may serve it.
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.host) && !config.tlsCertFile && !process.env.CAIRN_TLS_TERMINATED) {
    throw new Error(`refusing to serve plain HTTP on ${config.host}: bind loopback, serve TLS (CAIRN_TLS_CERT_FILE/CAIRN_TLS_KEY_FILE), or terminate TLS in front and set CAIRN_TLS_TERMINATED=1`);
  }
  return config;
};
export const GIT_PROTOCOL_CONFIG = Symbol('GIT_PROTOCOL_CONFIG');
