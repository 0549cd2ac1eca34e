import { Injectable } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { callUnary, policy } from '@cairn/contracts';
import { Upstreams } from '../upstreams/upstreams';

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * HTTP Basic authentication with HTTPS Git credentials. Passwords are checked by the policy
 * service against a slow hash; a clone makes several requests in a row, so a successful check
 * is remembered for a minute under an HMAC of the credentials (keyed per process, never the
 * password itself).
 */
@Injectable()
export class GitCredentialsAuthenticator {
  private readonly key = randomBytes(32);
  private readonly cache = new Map<string, { principal: policy.Principal; expires: number }>();

  constructor(private readonly upstreams: Upstreams) {}

  /** The principal, or undefined when the header is missing or the credentials are wrong. */
  async authenticate(authorization: string | undefined): Promise<policy.Principal | undefined> {
    const credentials = parseBasic(authorization);
    if (!credentials) return undefined;
    const cacheKey = createHmac('sha256', this.key).update(credentials.username).update('\0').update(credentials.password).digest('base64');
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expires > Date.now()) return cached.principal;
    const result = await callUnary(this.upstreams.policy, this.upstreams.policy.verifyGitCredential, credentials);
    if (!result.valid || !result.principal) return undefined;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(cacheKey, { principal: result.principal, expires: Date.now() + CACHE_TTL_MS });
    return result.principal;
  }
}

export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
