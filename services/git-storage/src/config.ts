import { loadConfig, str } from '@cairn/runtime';

export const storageConfigSchema = {
  dataDir: str('CAIRN_STORAGE_DIR'),
  zone: str('CAIRN_ZONE', 'zone-a'),
  /** Where reference-change events go: kafka://host:port or postgres://… ; empty = journal only. */
  eventLogUrl: str('CAIRN_EVENT_LOG_URL', ''),
};

export type StorageConfig = ReturnType<typeof loadStorageConfig>;
export const loadStorageConfig = () => loadConfig(storageConfigSchema);
export const STORAGE_CONFIG = Symbol('STORAGE_CONFIG');
