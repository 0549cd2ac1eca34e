import { Injectable } from '@nestjs/common';
import { callUnary, policy } from '@cairn/contracts';
import { Upstreams } from '../upstreams/upstreams';

/** What the policy service needs to check an HTTP Basic credential. */
export interface BasicCredentialRequest {
  authorization: string | undefined;
  /** The Host header: a SigV4-signed Git password signs it. */
  host: string;
  repositoryName: string;
  sourceIp: string;
}

export interface Authentication {
  principal?: policy.Principal;
  /** Set when the caller is throttled: the password was not checked. */
  retryAfterSeconds?: number;
}

/**
 * HTTP Basic authentication, checked by the policy service on every request so a deactivated
 * credential stops working at once. The password is an HTTPS Git credential's, or a SigV4 Git
 * password (AWS CLI credential helper, git-remote-codecommit) when the user name is an access key
 * id. Repeated failures from one address are throttled there (`retryAfterSeconds`).
 */
@Injectable()
export class GitCredentialsAuthenticator {
  constructor(private readonly upstreams: Upstreams) {}

  async authenticate(request: BasicCredentialRequest): Promise<Authentication> {
    const credentials = parseBasic(request.authorization);
    if (!credentials) return {};
    const result = await callUnary(this.upstreams.policy, this.upstreams.policy.verifyGitCredential, {
      ...credentials,
      host: request.host,
      repositoryName: request.repositoryName,
      sourceIp: request.sourceIp,
    });
    if (result.throttled) return { retryAfterSeconds: result.retryAfterSeconds };
    return result.valid && result.principal ? { principal: result.principal } : {};
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
