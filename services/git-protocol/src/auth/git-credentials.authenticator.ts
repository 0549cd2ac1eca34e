import { Injectable } from '@nestjs/common';
import { callUnary, policy } from '@cairn/contracts';
import { Upstreams } from '../upstreams/upstreams';

/**
 * HTTP Basic authentication with HTTPS Git credentials, checked by the policy service on every
 * request (it keeps the slow hash cheap for repeated requests; see PasswordChecks), so a
 * deactivated credential stops working at once.
 */
@Injectable()
export class GitCredentialsAuthenticator {
  constructor(private readonly upstreams: Upstreams) {}

  /** The principal, or undefined when the header is missing or the credentials are wrong. */
  async authenticate(authorization: string | undefined): Promise<policy.Principal | undefined> {
    const credentials = parseBasic(authorization);
    if (!credentials) return undefined;
    const result = await callUnary(this.upstreams.policy, this.upstreams.policy.verifyGitCredential, credentials);
    return result.valid ? result.principal : undefined;
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
