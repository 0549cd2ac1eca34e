export enum GitErrorCode {
  NotAllowed = 'NOT_ALLOWED',
  InvalidArgument = 'INVALID_ARGUMENT',
  OutputTooLarge = 'OUTPUT_TOO_LARGE',
  Failed = 'FAILED',
  MalformedPktLine = 'MALFORMED_PKT_LINE',
}

export class GitCommandError extends Error {
  constructor(readonly code: GitErrorCode, message: string) {
    super(message);
    this.name = 'GitCommandError';
  }
}
