import { Injectable } from '@nestjs/common';
import { AwsError } from '@cairn/aws-protocol';
import { callUnary, policy } from '@cairn/contracts';
import { Upstreams } from '../upstreams';
import { Operation } from '../operation';

/** IAM's wire codes and statuses for the errors the policy service raises. */
export const IAM_ERRORS: Record<string, { queryCode: string; status: number }> = {
  EntityAlreadyExistsException: { queryCode: 'EntityAlreadyExists', status: 409 },
  NoSuchEntityException: { queryCode: 'NoSuchEntity', status: 404 },
  LimitExceededException: { queryCode: 'LimitExceeded', status: 409 },
  ValidationErrorException: { queryCode: 'ValidationError', status: 400 },
  ServiceNotSupportedException: { queryCode: 'NotSupportedService', status: 404 },
  ServiceFailureException: { queryCode: 'ServiceFailure', status: 500 },
};

function param(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (value === undefined || value === '') throw new AwsError('ValidationError', `1 validation error detected: Value null at '${name[0].toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`, { queryCode: 'ValidationError' });
  if (typeof value !== 'string') throw new AwsError('ValidationError', `${name} must be a string`, { queryCode: 'ValidationError' });
  return value;
}

/** The IAM actions implemented so far; the rest of the IAM API arrives with the IAM issue. */
@Injectable()
export class IamOperations {
  constructor(private readonly upstreams: Upstreams) {}

  readonly operations: Record<string, Operation> = {
    CreateUser: {
      resources: async (input) => [await this.userArn(String(input.Path ?? '/'), String(input.UserName ?? ''))],
      run: async (input) => {
        const { user } = await callUnary(this.upstreams.policy, this.upstreams.policy.createUser, { userName: param(input, 'UserName'), path: String(input.Path ?? '') });
        return { User: userXml(user!) };
      },
    },
    CreateServiceSpecificCredential: {
      resources: async (input) => [await this.userArn('/', String(input.UserName ?? ''))],
      run: async (input) => {
        const { credential } = await callUnary(this.upstreams.policy, this.upstreams.policy.createServiceSpecificCredential, {
          userName: param(input, 'UserName'),
          serviceName: param(input, 'ServiceName'),
        });
        const c = credential!;
        return {
          ServiceSpecificCredential: {
            CreateDate: new Date(c.createDate),
            ServiceName: c.serviceName,
            ServiceUserName: c.serviceUserName,
            ServicePassword: c.servicePassword,
            ServiceSpecificCredentialId: c.serviceSpecificCredentialId,
            UserName: c.userName,
            Status: c.status,
          },
        };
      },
    },
  };

  private async userArn(path: string, userName: string): Promise<string> {
    const { accountId } = await this.upstreams.getAccount();
    return `arn:aws:iam::${accountId}:user${path || '/'}${userName}`;
  }
}

function userXml(u: policy.User) {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: new Date(u.createDate) };
}
