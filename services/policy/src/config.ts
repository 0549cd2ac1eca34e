import { int, loadConfig, str } from '@cairn/runtime';

export const policyConfigSchema = {
  databaseUrl: { ...str('CAIRN_DATABASE_URL'), secret: true },
  region: str('CAIRN_REGION', 'us-east-1'),
  /** 32 random bytes (base64) in a file readable only by this service: encrypts secrets at rest. */
  masterKeyFile: str('CAIRN_MASTER_KEY_FILE'),
  /** Where the first start writes the administrator's secrets, once (mode 0600). */
  bootstrapOutput: str('CAIRN_BOOTSTRAP_OUTPUT', ''),
  /** Failed Git passwords or API signatures of one identity from one address before that pair is refused (decision 0019). */
  authFailuresPerIdentityAndAddress: int('CAIRN_AUTH_FAILURES_PER_IDENTITY_AND_ADDRESS', 10),
  /** Failed attempts from one address, over all identities, before the address is refused. */
  authFailuresPerAddress: int('CAIRN_AUTH_FAILURES_PER_ADDRESS', 100),
  /** How long failures count, in seconds: the longest a refusal lasts. */
  authFailureWindowSeconds: int('CAIRN_AUTH_FAILURE_WINDOW_SECONDS', 300),
  /**
   * How long a principal's policies are remembered between decisions, in milliseconds (0: never).
   * This replica's own IAM writes apply at once; other replicas' within this time.
   */
  authorizationCacheMs: int('CAIRN_AUTHORIZATION_CACHE_MS', 1000),
};

export type PolicyConfig = ReturnType<typeof loadPolicyConfig>;
export const loadPolicyConfig = () => loadConfig(policyConfigSchema);
export const POLICY_CONFIG = Symbol('POLICY_CONFIG');
