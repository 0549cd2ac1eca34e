import { Injectable } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary } from '@cairn/contracts';
import { Operation } from '../operation';
import { IamUpstream } from '../iam/iam-upstream';
import { integer, required } from '../iam/query-input';

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** AssumeRole members Cairn does not act on; refusing them beats silently granting more than asked. */
const UNSUPPORTED = ['Policy', 'PolicyArns', 'Tags', 'TransitiveTagKeys', 'SerialNumber', 'TokenCode', 'SourceIdentity', 'ProvidedContexts'];

/** STS (awsQuery, signing name `sts`). */
@Injectable()
export class StsOperations {
  readonly operations: Record<string, Operation>;

  constructor(upstream: IamUpstream) {
    const c = upstream.client;
    this.operations = {
      // The policy service decides: the role's trust policy and, where that needs it, the
      // caller's own sts:AssumeRole permission (one decision, as IAM makes it).
      AssumeRole: {
        resources: async () => [],
        run: async (input, caller) => {
          const unsupported = UNSUPPORTED.filter((name) => input[name] !== undefined);
          if (unsupported.length > 0) {
            throw new AwsError('ValidationError', `This installation does not support ${unsupported.join(', ')} in AssumeRole.`, { queryCode: 'ValidationError' });
          }
          const r = await callUnary(c, c.assumeRole, {
            caller,
            roleArn: required(input, 'RoleArn'),
            roleSessionName: required(input, 'RoleSessionName'),
            durationSeconds: integer(input, 'DurationSeconds'),
          });
          return {
            Credentials: { AccessKeyId: r.accessKeyId, SecretAccessKey: r.secretAccessKey, SessionToken: r.sessionToken, Expiration: new Date(r.expiration) },
            AssumedRoleUser: { AssumedRoleId: r.assumedRoleId, Arn: r.assumedRoleArn },
          };
        },
      },
      // Needs no permission in AWS, even under an explicit deny.
      GetCallerIdentity: {
        resources: async () => [],
        run: async (_input, caller) => ({ UserId: caller.userId, Account: caller.accountId, Arn: caller.arn }),
      },
    };
  }
}
