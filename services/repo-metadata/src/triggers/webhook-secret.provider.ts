import { TRIGGERS_CONFIG, TriggersConfig } from './triggers.config';
import { loadWebhookSecret } from './webhook-secret';

export const WEBHOOK_SECRET = Symbol('WEBHOOK_SECRET');

export const webhookSecretProvider = { provide: WEBHOOK_SECRET, inject: [TRIGGERS_CONFIG], useFactory: (c: TriggersConfig) => loadWebhookSecret(c.webhookSecretFile) };
