import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { iam } from '@cairn/contracts';
import { LessThan } from 'typeorm';
import { IdentityRepository } from '../account/identity.repository';
import { AuthorizationService } from '../authorization/authorization.service';
import { iamId, randomSecret, SecretBox } from '../credentials/secrets';
import { SECRET_BOX, sessionPrincipal } from '../credentials/credentials.service';
import { constraintError, iamErrors } from '../iam/iam-errors';
import { RoleEntity } from '../roles/role.entity';
import { SessionCredentialEntity } from './session-credential.entity';
import { evaluateTrust } from './trust-policy';

const MIN_DURATION = 900;
const MAX_DURATION = 43200;
const DEFAULT_DURATION = 3600;
/** A role session assuming another role ("role chaining") gets at most an hour, as in AWS. */
const CHAINED_MAX_DURATION = 3600;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role(\/|\/[\x21-\x7e]*\/)[\w+=,.@-]{1,64}$/;
/** Expired sessions are kept a day so their use is answered ExpiredToken, then dropped. */
const KEEP_EXPIRED_MS = 24 * 3600_000;

/** STS AssumeRole: temporary credentials for a role whose trust policy admits the caller. */
@Injectable()
export class StsService {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly authorization: AuthorizationService,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async assumeRole(request: iam.AssumeRoleRequest): Promise<iam.AssumeRoleResponse> {
    const caller = request.caller;
    if (!caller?.arn) throw iamErrors.accessDenied('The request has no caller.');
    if (!SESSION_NAME.test(request.roleSessionName)) {
      throw constraintError('roleSessionName', request.roleSessionName, 'Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64');
    }
    const duration = request.durationSeconds || DEFAULT_DURATION;
    if (duration < MIN_DURATION) throw constraintError('durationSeconds', String(duration), `Member must have value greater than or equal to ${MIN_DURATION}`);
    if (duration > MAX_DURATION) throw constraintError('durationSeconds', String(duration), `Member must have value less than or equal to ${MAX_DURATION}`);
    if (!ROLE_ARN.test(request.roleArn)) throw iamErrors.validation(`${request.roleArn} is not a valid role ARN.`);

    // A missing role is answered like a refusal, so callers cannot probe which roles exist.
    const denied = () => iamErrors.accessDenied(`User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${request.roleArn}`);
    const role = await this.identities.manager.findOneBy(RoleEntity, { arn: request.roleArn });
    if (!role) throw denied();
    const trust = evaluateTrust(role.assumeRolePolicyDocument, caller);
    if (trust === 'none' || trust === 'denied') throw denied();
    const identity = await this.authorization.authorize({ principalArn: caller.arn, action: 'sts:AssumeRole', resource: role.arn, context: {}, sourceIp: '', secureTransport: false, resourceTagsIncluded: true });
    if (identity.reason === 'explicit deny' || (!identity.allowed && trust !== 'principal')) throw denied();

    if (duration > role.maxSessionDuration) throw iamErrors.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    if (caller.type === 'AssumedRole' && duration > CHAINED_MAX_DURATION) {
      throw iamErrors.validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }

    const accessKeyId = iamId('ASIA');
    const secretAccessKey = randomSecret(40);
    const sessionToken = randomBytes(192).toString('base64');
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + duration * 1000);
    await this.identities.transaction(async (m) => {
      await m.delete(SessionCredentialEntity, { expiresAt: LessThan(new Date(Date.now() - KEEP_EXPIRED_MS)) });
      await m.insert(SessionCredentialEntity, {
        accessKeyId,
        secretEncrypted: this.secrets.seal(secretAccessKey),
        sessionTokenEncrypted: this.secrets.seal(sessionToken),
        roleId: role.roleId,
        sessionName: request.roleSessionName,
        sourceArn: caller.arn,
        expiresAt,
      });
    });
    const session = sessionPrincipal(role, request.roleSessionName, caller.accountId);
    return { accessKeyId, secretAccessKey, sessionToken, expiration: expiresAt.getTime(), assumedRoleId: session.userId, assumedRoleArn: session.arn };
  }
}
