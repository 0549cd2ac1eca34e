import { loadConfig, str } from '@cairn/runtime';

export const policyConfigSchema = {
  databaseUrl: { ...str('CAIRN_DATABASE_URL'), secret: true },
  region: str('CAIRN_REGION', 'us-east-1'),
  /** 32 random bytes (base64) in a file readable only by this service: encrypts secrets at rest. */
  masterKeyFile: str('CAIRN_MASTER_KEY_FILE'),
  /** Where the first start writes the administrator's secrets, once (mode 0600). */
  bootstrapOutput: str('CAIRN_BOOTSTRAP_OUTPUT', ''),
};

export type PolicyConfig = ReturnType<typeof loadPolicyConfig>;
export const loadPolicyConfig = () => loadConfig(policyConfigSchema);
export const POLICY_CONFIG = Symbol('POLICY_CONFIG');
