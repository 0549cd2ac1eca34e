import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AwsError } from '@cairn/aws-protocol';
import { GrpcStatus, pullRequests as pr, RpcError } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { PullRequestEntity } from '../pull-requests/pull-request.entity';
import { PullRequestOperations } from '../pull-requests/pull-requests.operations';
import { CommentOperations } from '../comments/comments.operations';
import { CommentsService } from '../comments/comments.service';
import { TemplateOperations } from '../templates/templates.operations';
import { OperationHandler } from './operation-set';

/** The PullRequests gRPC service: CodeCommit JSON in, CodeCommit JSON out. */
@Injectable()
export class InvokeGrpcController {
  private readonly operations: Record<string, OperationHandler>;

  constructor(
    private readonly db: DataSource,
    private readonly comments: CommentsService,
    pullRequests: PullRequestOperations,
    commentOperations: CommentOperations,
    templateOperations: TemplateOperations,
  ) {
    this.operations = { ...pullRequests.operations, ...commentOperations.operations, ...templateOperations.operations };
  }

  readonly handlers: pr.PullRequestsServer = {
    invoke: unary(async (request: pr.InvokeRequest) => {
      const handler = Object.hasOwn(this.operations, request.operation) ? this.operations[request.operation] : undefined;
      if (!handler) throw new RpcError(GrpcStatus.UNIMPLEMENTED, 'UnknownOperationException', `${request.operation} is not an operation of the pull-requests service.`);
      const input = parseInput(request.inputJson);
      try {
        return { outputJson: JSON.stringify((await handler(input, request.caller ?? { arn: '', accountId: '' })) ?? {}) };
      } catch (error) {
        // Input checks shared with the gateway raise AWS errors; they travel as domain codes.
        if (error instanceof AwsError) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, error.code, error.message);
        throw error;
      }
    }),
    describeTarget: unary(async (request: pr.DescribeTargetRequest) => {
      if (request.commentId) return this.comments.repositoryOf(request.commentId);
      if (!/^\d{1,10}$/.test(request.pullRequestId)) return { repositoryName: '', destinationReference: '' };
      const row = await this.db.getRepository(PullRequestEntity).findOneBy({ pullRequestId: Number(request.pullRequestId) });
      return { repositoryName: row?.repositoryName ?? '', destinationReference: row?.destinationReference ?? '' };
    }),
  };
}

function parseInput(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json || '{}');
  } catch {
    throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'SerializationException', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}
