import { AwsError } from '@cairn/aws-protocol';
import { storage } from '@cairn/contracts';

/** CodeCommit's FileModeTypeEnum, as storage's FileMode. */
export const FILE_MODES: Record<string, storage.FileMode> = {
  NORMAL: storage.FileMode.FILE_MODE_NORMAL,
  EXECUTABLE: storage.FileMode.FILE_MODE_EXECUTABLE,
  SYMLINK: storage.FileMode.FILE_MODE_SYMLINK,
};

/** storage's FileMode back to CodeCommit's name. */
export const FILE_MODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(FILE_MODES).map(([name, mode]) => [mode, name]));

/** An entry's `fileMode`: absent is unspecified (or FileModeRequiredException when required). */
export function fileModeMember(entry: Record<string, unknown>, required = false): storage.FileMode {
  const value = entry.fileMode;
  if (value === undefined || value === null) {
    if (required) throw new AwsError('FileModeRequiredException', 'A file mode is required, but was not specified.');
    return storage.FileMode.FILE_MODE_UNSPECIFIED;
  }
  if (typeof value !== 'string' || !Object.hasOwn(FILE_MODES, value)) throw new AwsError('InvalidFileModeException', `The file mode ${String(value)} is not valid.`);
  return FILE_MODES[value];
}

/** Whether a blob member is base64 as awsJson carries it. */
export function isBase64(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
}
