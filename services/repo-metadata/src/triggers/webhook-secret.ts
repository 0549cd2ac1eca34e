import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger } from '@cairn/runtime';

const logger = new Logger('webhook-secret');

/**
 * The secret webhook bodies are signed with: read from its file, created there (0600) the first
 * time. Receivers verify `X-Cairn-Signature-256` with the same file's content. Without a file
 * configured, a random secret lives as long as the process (and receivers cannot verify).
 */
export async function loadWebhookSecret(file: string): Promise<Buffer> {
  if (!file) {
    logger.warn('CAIRN_WEBHOOK_SECRET_FILE is not set: webhook signatures use a per-process secret nobody else knows');
    return randomBytes(32);
  }
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  await writeFile(`${file}.tmp`, secret, { mode: 0o600 });
  await chmod(`${file}.tmp`, 0o600);
  await rename(`${file}.tmp`, file);
  return Buffer.from(secret, 'utf8');
}
