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
  /**
   * Kafka brokers (host:port, comma-separated) for trigger destinations `kafka://<topic>` and the
   * EventBridge-shaped stream (KAFKA_TOPICS.eventBridge). Empty: neither is offered.
   */
  streamKafkaBrokers: str('CAIRN_STREAM_KAFKA_BROKERS', ''),
};

export type TriggersConfig = ReturnType<typeof loadTriggersConfig>;

/** The stream brokers as a list; empty when none are configured. */
export function streamBrokers(config: TriggersConfig): string[] {
  return config.streamKafkaBrokers.split(',').map((b) => b.trim()).filter(Boolean);
}
export const loadTriggersConfig = () => loadConfig(triggersConfigSchema);
export const TRIGGERS_CONFIG = Symbol('TRIGGERS_CONFIG');
