import { Injectable } from '@nestjs/common';
import { callUnary } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { Operation } from '../operation';
import { IamUpstream } from './iam-upstream';
import { optional, required } from './query-input';
import { userXml } from './iam-xml';
import { identityOperations } from './identity-operations';
import { policyOperations } from './policy-operations';
import { credentialOperations } from './credential-operations';
import { simulationOperations } from './simulation-operations';

/**
 * IAM's and STS's wire codes and statuses for the errors the policy service raises (by the SDK's
 * exception name, in the `cairn-error-code` trailer).
 */
export const IAM_ERRORS: Record<string, { queryCode: string; status: number }> = {
  EntityAlreadyExistsException: { queryCode: 'EntityAlreadyExists', status: 409 },
  NoSuchEntityException: { queryCode: 'NoSuchEntity', status: 404 },
  LimitExceededException: { queryCode: 'LimitExceeded', status: 409 },
  DeleteConflictException: { queryCode: 'DeleteConflict', status: 409 },
  MalformedPolicyDocumentException: { queryCode: 'MalformedPolicyDocument', status: 400 },
  InvalidInputException: { queryCode: 'InvalidInput', status: 400 },
  PolicyNotAttachableException: { queryCode: 'PolicyNotAttachable', status: 400 },
  DuplicateSSHPublicKeyException: { queryCode: 'DuplicateSSHPublicKey', status: 400 },
  UnrecognizedPublicKeyEncodingException: { queryCode: 'UnrecognizedPublicKeyEncoding', status: 400 },
  InvalidPublicKeyException: { queryCode: 'InvalidPublicKey', status: 400 },
  ValidationErrorException: { queryCode: 'ValidationError', status: 400 },
  ServiceNotSupportedException: { queryCode: 'NotSupportedService', status: 404 },
  ServiceFailureException: { queryCode: 'ServiceFailure', status: 500 },
  AccessDeniedException: { queryCode: 'AccessDenied', status: 403 },
};

/** The IAM API (awsQuery, signing name `iam`), served by the policy service. */
@Injectable()
export class IamOperations {
  readonly operations: Record<string, Operation>;

  constructor(
    private readonly upstreams: Upstreams,
    upstream: IamUpstream,
  ) {
    this.operations = {
      CreateUser: {
        resources: async (input) => [await this.userArn(optional(input, 'Path'), required(input, 'UserName'))],
        run: async (input) => {
          const { user } = await callUnary(this.upstreams.policy, this.upstreams.policy.createUser, { userName: required(input, 'UserName'), path: optional(input, 'Path') });
          return { User: userXml(user!) };
        },
      },
      ...identityOperations(upstream),
      ...policyOperations(upstream),
      ...credentialOperations(upstream, upstreams),
      ...simulationOperations(upstream),
    };
  }

  private async userArn(path: string, userName: string): Promise<string> {
    const { accountId } = await this.upstreams.getAccount();
    return `arn:aws:iam::${accountId}:user${path || '/'}${userName}`;
  }
}
