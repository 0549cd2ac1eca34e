import { int, loadConfig, str } from '@cairn/runtime';

export const triggersConfigSchema = {
  /** File holding the secret webhook bodies are signed with (created if missing). */
  webhookSecretFile: str('CAIRN_WEBHOOK_SECRET_FILE', ''),
  /** First retry delay; each retry doubles it. */
  retryBaseMs: int('CAIRN_WEBHOOK_RETRY_BASE_MS', 2_000),
  /** Attempts before a delivery is given up (and logged as failed). */
  maxAttempts: int('CAIRN_WEBHOOK_MAX_ATTEMPTS', 8),
  /** How often the delivery worker looks for due deliveries. */
  pollMs: int('CAIRN_WEBHOOK_POLL_MS', 500),
};

export type TriggersConfig = ReturnType<typeof loadTriggersConfig>;
export const loadTriggersConfig = () => loadConfig(triggersConfigSchema);
export const TRIGGERS_CONFIG = Symbol('TRIGGERS_CONFIG');
