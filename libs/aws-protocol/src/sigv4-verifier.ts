import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  incompleteSignature,
  internalFailure,
  invalidSignature,
  missingAuthenticationToken,
  unrecognizedClient,
} from './aws-error';

/** A request as it arrived, before anything decoded or rewrote it. */
export interface SignedRequest {
  method: string;
  /** The request-target path exactly as on the wire (still percent-encoded), without the query. */
  path: string;
  /** The raw query string without the leading `?`; '' when there is none. */
  query: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface CredentialRecord<P> {
  secretAccessKey: string;
  principal: P;
  /** Set for temporary credentials: the request must then carry this exact X-Amz-Security-Token. */
  sessionToken?: string;
}

/** Resolves an access key id; null when it is unknown. May throw an AwsError (e.g. expiredToken()). */
export type LookupSecret<P> = (accessKeyId: string) => Promise<CredentialRecord<P> | null>;

export interface VerifyOptions {
  now?: Date;
  /** How far X-Amz-Date may be from `now`, either way. AWS allows 5 minutes. */
  maxSkewMs?: number;
  /** The only region a credential scope may name. */
  region: string;
  /** Signing names accepted in the credential scope, e.g. ['codecommit'] or ['iam', 'sts']. */
  allowedServices: readonly string[];
}

export interface VerifiedCaller<P> {
  accessKeyId: string;
  principal: P;
  service: string;
  region: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does, then recomputes the
 * signature with the SDK's own signer over exactly the headers the client listed, so any client's
 * choice of signed headers (the JS SDK signs 9, AWS CLI v1 signs 4) verifies.
 */
export async function verifySigV4<P>(
  req: SignedRequest,
  lookupSecret: LookupSecret<P>,
  opts: VerifyOptions,
): Promise<VerifiedCaller<P>> {
  const authorization = req.headers['authorization'];
  if (authorization === undefined || authorization.trim() === '') throw missingAuthenticationToken();
  const auth = parseAuthorization(authorization, req.headers['x-amz-date']);

  const amzDate = req.headers['x-amz-date']!;
  const signedAt = parseAmzDate(amzDate);
  checkSkew(signedAt, amzDate, opts.now ?? new Date(), opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  checkScope(auth, amzDate, opts);
  for (const required of ['host', 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required)) {
      throw incompleteSignature(`'${required}' must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }
  for (const name of auth.signedHeaders) {
    if (!Object.hasOwn(req.headers, name)) {
      throw incompleteSignature(`Header '${name}' is listed in SignedHeaders but is missing from the request.`);
    }
  }
  checkContentSha256(req);

  const record = await lookupSecret(auth.accessKeyId);
  if (record === null) throw unrecognizedClient();
  checkSessionToken(record, req.headers['x-amz-security-token']);

  const expected = await computeSignature(req, auth, record.secretAccessKey, signedAt);
  if (!constantTimeEqual(expected, auth.signature)) throw invalidSignature();

  return { accessKeyId: auth.accessKeyId, principal: record.principal, service: auth.service, region: auth.region };
}

function parseAuthorization(header: string, amzDate: string | undefined): ParsedAuthorization {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  const params = new Map<string, string>();
  if (algorithm === ALGORITHM && space !== -1) {
    for (const token of trimmed.slice(space + 1).split(/[\s,]+/).filter(Boolean)) {
      const eq = token.indexOf('=');
      if (eq === -1) {
        throw incompleteSignature(
          `'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${trimmed}'.`,
        );
      }
      params.set(token.slice(0, eq), token.slice(eq + 1));
    }
  }

  // AWS lists every missing part at once; so do we.
  const problems: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  }
  if (amzDate === undefined) {
    problems.push("Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  if (problems.length > 0) throw incompleteSignature(`${problems.join(' ')} Authorization=${trimmed}`);

  const scope = params.get('Credential')!.split('/');
  if (scope.length !== 5 || scope.some((part) => part === '')) {
    throw incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.get('Credential')}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== TERMINATOR) {
    throw invalidSignature(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`);
  }
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: params.get('SignedHeaders')!.split(';'),
    signature: params.get('Signature')!,
  };
}

function parseAmzDate(value: string): Date {
  const m = AMZ_DATE.exec(value);
  const date = m && new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  if (!date || Number.isNaN(date.getTime()) || formatAmzDate(date) !== value) {
    throw incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${value}'.`);
  }
  return date;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

// Same wording as AWS, which the SDKs match on ("Signature expired") to decide on a retry.
function checkSkew(signedAt: Date, amzDate: string, now: Date, maxSkewMs: number): void {
  const minutes = `${Math.round(maxSkewMs / 60_000)} min.`;
  if (signedAt.getTime() < now.getTime() - maxSkewMs) {
    const floor = formatAmzDate(new Date(now.getTime() - maxSkewMs));
    throw invalidSignature(
      `Signature expired: ${amzDate} is now earlier than ${floor} (${formatAmzDate(now)} - ${minutes})`,
    );
  }
  if (signedAt.getTime() > now.getTime() + maxSkewMs) {
    const ceiling = formatAmzDate(new Date(now.getTime() + maxSkewMs));
    throw invalidSignature(
      `Signature not yet current: ${amzDate} is still later than ${ceiling} (${formatAmzDate(now)} + ${minutes})`,
    );
  }
}

function checkScope(auth: ParsedAuthorization, amzDate: string, opts: VerifyOptions): void {
  const problems: string[] = [];
  if (auth.date !== amzDate.slice(0, 8)) {
    problems.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from 'X-Amz-Date'.`,
    );
  }
  if (auth.region !== opts.region) {
    problems.push(`Credential should be scoped to a valid region, not '${auth.region}'.`);
  }
  if (!opts.allowedServices.includes(auth.service)) {
    problems.push(`Credential should be scoped to correct service: '${opts.allowedServices[0] ?? ''}'.`);
  }
  if (problems.length > 0) throw invalidSignature(problems.join(' '));
}

// A signed x-amz-content-sha256 only protects the body if it is the body's hash.
function checkContentSha256(req: SignedRequest): void {
  const claimed = req.headers['x-amz-content-sha256'];
  if (claimed === undefined) return;
  const actual = createHash('sha256').update(req.body).digest('hex');
  if (!HEX_SHA256.test(claimed) || claimed !== actual) {
    throw invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
}

function checkSessionToken(record: CredentialRecord<unknown>, sent: string | undefined): void {
  if (record.sessionToken === undefined && sent === undefined) return;
  if (record.sessionToken === undefined || sent === undefined || !constantTimeEqual(record.sessionToken, sent)) {
    throw unrecognizedClient();
  }
}

async function computeSignature(
  req: SignedRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  signedAt: Date,
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) headers[name] = req.headers[name]!;
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    // The payload hash comes from the signed x-amz-content-sha256 (checked above) or the body.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: req.method.toUpperCase(),
      hostname: req.headers['host'] ?? '',
      path: req.path === '' ? '/' : req.path,
      query: parseQuery(req.query),
      headers,
      body: req.body,
    }),
    {
      signingDate: signedAt,
      signableHeaders: new Set(auth.signedHeaders),
      unsignableHeaders: new Set(),
    },
  );
  const produced = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization'] ?? ''));
  if (!produced) throw internalFailure('The signer produced no signature.');
  return produced[1]!;
}

/** Splits a raw query string the way SigV4 sees it: percent-decoding only, `+` stays `+`. */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw incompleteSignature(`The query string contains a malformed percent-encoding: '${component}'.`);
  }
}

/** String equality whose time does not depend on where the strings differ (secrets, signatures, tokens). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
