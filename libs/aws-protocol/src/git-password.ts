import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * SigV4-signed Git passwords, as the AWS CLI credential helper (`aws codecommit
 * credential-helper`) and git-remote-codecommit make them from an access key: the user name is
 * the access key id (with `%<session token>` appended for temporary credentials) and the
 * password is `<YYYYMMDDTHHMMSS>Z<hex signature>` over a canonical request of method `GIT`:
 *
 *     GIT\n<path>\n\nhost:<host>\n\nhost\n
 *
 * signed for the `codecommit` service. The string to sign carries the timestamp without the `Z`.
 */

const GIT_PASSWORD = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z([0-9a-f]{64})$/;
/** AKIA… (access keys) and ASIA… (STS sessions); the token after `%` is opaque. */
const ACCESS_KEY_USERNAME = /^((?:AKIA|ASIA)[A-Z0-9]{16})(?:%(.+))?$/s;
/** Cached helper passwords stop working after about 15 minutes (CodeCommit user guide). */
export const GIT_PASSWORD_MAX_SKEW_MS = 15 * 60_000;

export interface GitPasswordUsername {
  accessKeyId: string;
  /** Present for temporary credentials. */
  sessionToken?: string;
}

export interface GitPassword {
  /** `YYYYMMDDTHHMMSS`, as signed. */
  timestamp: string;
  signedAt: Date;
  signature: string;
}

export interface GitPasswordScope {
  secretAccessKey: string;
  region: string;
  /** The Host the client signed (the CLI helper drops the port; git-remote-codecommit keeps it). */
  host: string;
  /** `/v1/repos/<name>`. */
  path: string;
  timestamp: string;
}

/** The access key a Git user name names, or undefined when it is not one (e.g. an HTTPS Git credential). */
export function parseGitPasswordUsername(username: string): GitPasswordUsername | undefined {
  const m = ACCESS_KEY_USERNAME.exec(username);
  if (!m) return undefined;
  return m[2] === undefined ? { accessKeyId: m[1]! } : { accessKeyId: m[1]!, sessionToken: m[2] };
}

export function parseGitPassword(password: string): GitPassword | undefined {
  const m = GIT_PASSWORD.exec(password);
  if (!m) return undefined;
  const signedAt = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  const timestamp = password.slice(0, 15);
  // Reject dates that roll over (e.g. month 13) instead of reading them as another day.
  if (Number.isNaN(signedAt.getTime()) || signedAt.toISOString().replace(/[-:]|\.\d{3}Z$/g, '') !== timestamp) return undefined;
  return { timestamp, signedAt, signature: m[7]! };
}

/** The hex signature a client with this secret computes for the scope. */
export function gitPasswordSignature(scope: GitPasswordScope): string {
  const date = scope.timestamp.slice(0, 8);
  const canonicalRequest = `GIT\n${scope.path}\n\nhost:${scope.host}\n\nhost\n`;
  const stringToSign = ['AWS4-HMAC-SHA256', scope.timestamp, `${date}/${scope.region}/codecommit/aws4_request`, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${scope.secretAccessKey}`, date);
  for (const part of [scope.region, 'codecommit', 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

/**
 * True when the password was signed with the secret for one of the hosts and paths the client may
 * have signed, within the allowed clock skew.
 */
export function gitPasswordMatches(
  password: GitPassword,
  candidates: { secretAccessKey: string; region: string; hosts: readonly string[]; paths: readonly string[] },
  now: Date = new Date(),
): boolean {
  if (Math.abs(password.signedAt.getTime() - now.getTime()) > GIT_PASSWORD_MAX_SKEW_MS) return false;
  const sent = Buffer.from(password.signature, 'utf8');
  let matched = false;
  for (const host of candidates.hosts) {
    for (const path of candidates.paths) {
      const expected = Buffer.from(gitPasswordSignature({ secretAccessKey: candidates.secretAccessKey, region: candidates.region, host, path, timestamp: password.timestamp }), 'utf8');
      // Every candidate is computed, so the time taken does not say which one matched.
      if (timingSafeEqual(expected, sent)) matched = true;
    }
  }
  return matched;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}
