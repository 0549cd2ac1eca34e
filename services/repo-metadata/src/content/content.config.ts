import { int, loadConfig } from '@cairn/runtime';

export const contentConfigSchema = {
  /** Largest file or blob GetFile and GetBlob return (CodeCommit's limit is 6 MiB). */
  maxFileBytes: int('CAIRN_MAX_FILE_BYTES', 6 * 1024 * 1024),
};

export type ContentConfig = ReturnType<typeof loadContentConfig>;
export const loadContentConfig = () => loadConfig(contentConfigSchema);
export const CONTENT_CONFIG = Symbol('CONTENT_CONFIG');
