import { int, loadConfig, str } from '@cairn/runtime';

export const pullRequestsConfigSchema = {
  databaseUrl: { ...str('CAIRN_DATABASE_URL'), secret: true },
  eventLogUrl: { ...str('CAIRN_EVENT_LOG_URL'), secret: true },
  metadataAddress: str('CAIRN_METADATA_ADDR'),
  storageAddress: str('CAIRN_STORAGE_ADDR'),
  /** CodeCommit's quota of open pull requests per repository. */
  maxOpenPullRequests: int('CAIRN_MAX_OPEN_PULL_REQUESTS', 1000),
};

export type PullRequestsConfig = ReturnType<typeof loadPullRequestsConfig>;
export const loadPullRequestsConfig = () => loadConfig(pullRequestsConfigSchema);
export const PULL_REQUESTS_CONFIG = Symbol('PULL_REQUESTS_CONFIG');
