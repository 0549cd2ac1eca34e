import { int, loadConfig, str } from '@cairn/runtime';

export const metadataConfigSchema = {
  databaseUrl: { ...str('CAIRN_DATABASE_URL'), secret: true },
  eventLogUrl: { ...str('CAIRN_EVENT_LOG_URL'), secret: true },
  policyAddress: str('CAIRN_POLICY_ADDR'),
  storageAddress: str('CAIRN_STORAGE_ADDR'),
  /** Base of HTTPS clone URLs users see, e.g. http://127.0.0.1:8080. */
  publicHttpUrl: str('CAIRN_PUBLIC_HTTP_URL', 'http://127.0.0.1:8080'),
  /** Base of SSH clone URLs, e.g. ssh://127.0.0.1:2222. */
  publicSshUrl: str('CAIRN_PUBLIC_SSH_URL', 'ssh://127.0.0.1:2222'),
  /** CodeCommit's default quota of repositories per account. */
  maxRepositories: int('CAIRN_MAX_REPOSITORIES', 1000),
};

export type MetadataConfig = ReturnType<typeof loadMetadataConfig>;
export const loadMetadataConfig = () => loadConfig(metadataConfigSchema);
export const METADATA_CONFIG = Symbol('METADATA_CONFIG');
