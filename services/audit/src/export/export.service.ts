import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../chain/audit.repository';

export interface ExportedFile {
  /** The file's path. */
  path: string;
  /** The UTC hour its records' eventTime falls in (ISO 8601). */
  hour: string;
  records: number;
}

export interface ExportResult {
  files: ExportedFile[];
  records: number;
}

const BATCH = 1000;

/**
 * Writes the records whose eventTime is in [from, to) as CloudTrail log files: one gzipped
 * `{"Records":[…]}` per UTC hour that has records, at `<dir>/YYYY/MM/DD/CloudTrail_YYYYMMDDTHH00Z.json.gz`
 * (CloudTrail's date layout, without its account/region path, since one Cairn store spans them).
 * Records are streamed a batch at a time and each file is written under a temporary name and
 * renamed when complete, so a file that exists is whole. Exporting an hour again replaces its file.
 */
@Injectable()
export class ExportService {
  constructor(private readonly repository: AuditRepository) {}

  async export(from: Date, to: Date, dir: string): Promise<ExportResult> {
    const files: ExportedFile[] = [];
    let open: { file: ExportedFile; temp: string; gzip: Gzip; done: Promise<void> } | undefined;
    const close = async () => {
      if (!open) return;
      open.gzip.end(']}\n');
      await open.done;
      await rename(open.temp, open.file.path);
      files.push(open.file);
      open = undefined;
    };
    try {
      let after: { eventTime: Date; sequence: number } | undefined;
      for (;;) {
        const batch = await this.repository.inTimeRange(from, to, after, BATCH);
        for (const row of batch) {
          const hour = `${row.eventTime.toISOString().slice(0, 13)}:00:00Z`;
          if (open?.file.hour !== hour) {
            await close();
            const day = join(dir, hour.slice(0, 4), hour.slice(5, 7), hour.slice(8, 10));
            await mkdir(day, { recursive: true });
            const path = join(day, `CloudTrail_${hour.slice(0, 4)}${hour.slice(5, 7)}${hour.slice(8, 10)}T${hour.slice(11, 13)}00Z.json.gz`);
            const temp = `${path}.partial`;
            const gzip = createGzip();
            const done = pipeline(gzip, createWriteStream(temp));
            // Awaited when the file is closed; until then a write error must not be an unhandled rejection.
            done.catch(() => undefined);
            open = { file: { path, hour, records: 0 }, temp, gzip, done };
            gzip.write('{"Records":[\n');
          }
          if (!open.gzip.write(`${open.file.records === 0 ? '' : ',\n'}${row.record}`)) await once(open.gzip, 'drain');
          open.file.records++;
        }
        if (batch.length < BATCH) break;
        const last = batch[batch.length - 1];
        after = { eventTime: last.eventTime, sequence: last.sequence };
      }
      await close();
    } finally {
      if (open) {
        open.gzip.destroy();
        await rm(open.temp, { force: true });
      }
    }
    return { files, records: files.reduce((sum, f) => sum + f.records, 0) };
  }
}
