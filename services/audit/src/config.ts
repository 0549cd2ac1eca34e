import { int, loadConfig, str } from '@cairn/runtime';

export const auditConfigSchema = {
  databaseUrl: { ...str('CAIRN_DATABASE_URL'), secret: true },
  eventLogUrl: { ...str('CAIRN_EVENT_LOG_URL'), secret: true },
  /** Records whose eventTime is older than this many days are pruned; 0 keeps them forever. */
  retentionDays: int('CAIRN_AUDIT_RETENTION_DAYS', 0),
  /** The whole chain is verified at start and then this often (cairn_audit_chain_intact); 0 turns it off. */
  verifyIntervalSeconds: int('CAIRN_AUDIT_VERIFY_INTERVAL_SECONDS', 3600),
};

export type AuditConfig = ReturnType<typeof loadAuditConfig>;
export const loadAuditConfig = () => loadConfig(auditConfigSchema);
export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
