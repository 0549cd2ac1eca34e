import { Counter } from 'prom-client';
import { serviceMetrics } from '@cairn/runtime';

/** Authorization decisions, by outcome (allowed, denied, or wants-tags when the caller must ask again with the resource's tags). */
export const decisions = new Counter({
  name: 'cairn_authorization_decisions_total',
  help: 'Authorization decisions made by the policy service, by outcome.',
  labelNames: ['outcome'],
  registers: [serviceMetrics],
});

/** Refused credentials, by kind (git-credential, git-signature, api-signature) and reason (invalid, throttled). */
export const authenticationFailures = new Counter({
  name: 'cairn_authentication_failures_total',
  help: 'Credentials refused: wrong or unknown (invalid), or not checked because the caller is throttled after repeated failures (throttled).',
  labelNames: ['kind', 'reason'],
  registers: [serviceMetrics],
});
