import { Injectable } from '@nestjs/common';
import { policy } from '@cairn/contracts';
import { IdentityRepository } from '../account/identity.repository';

/**
 * The single decision point. Until IAM policies land, the bootstrap administrator is allowed
 * everything and every other principal nothing (deny by default).
 */
@Injectable()
export class AuthorizationService {
  constructor(private readonly identities: IdentityRepository) {}

  async authorize(request: policy.AuthorizeRequest): Promise<policy.AuthorizeResponse> {
    const user = request.principalArn ? await this.identities.findUserByArn(request.principalArn) : null;
    if (!user) return { allowed: false, reason: 'unknown principal' };
    if (user.isAdministrator) return { allowed: true, reason: 'administrator' };
    return { allowed: false, reason: 'no allow' };
  }
}
