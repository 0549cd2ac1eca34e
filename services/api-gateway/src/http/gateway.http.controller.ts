import { Inject, Injectable } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { status as GrpcCode } from '@grpc/grpc-js';
import {
  accessDenied,
  AwsError,
  AwsHttpResponse,
  awsJsonErrorResponse,
  awsJsonResponse,
  awsQueryErrorResponse,
  awsQueryResponse,
  newRequestId,
  parseAwsJsonRequest,
  parseAwsQueryRequest,
  SignedRequest,
  signedRequestFromNode,
  unknownOperation,
} from '@cairn/aws-protocol';
import { authorizeAll, callUnary, domainCodeOf, isGrpcError, policy, RequestOrigin } from '@cairn/contracts';
import { Logger, TrustedProxies } from '@cairn/runtime';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Upstreams } from '../upstreams';
import { RepositoryOperations } from '../codecommit/repository-operations';
import { BranchOperations } from '../codecommit/branch-operations';
import { CommitOperations } from '../codecommit/commit-operations';
import { ContentOperations } from '../codecommit/content-operations';
import { MergeOperations } from '../codecommit/merge-operations';
import { PullRequestOperations } from '../codecommit/pull-request-operations';
import { TriggerOperations } from '../codecommit/trigger-operations';
import { CloudTrailOperations } from '../cloudtrail/cloudtrail-operations';
import { Operation } from '../operation';
import { ApiAudit, ApiCall } from './api-audit';
import { observeApiRequest } from './api-metrics';
import { IAM_ERRORS, IamOperations } from '../iam/iam-operations';
import { STS_XMLNS, StsOperations } from '../sts/sts-operations';

const CODECOMMIT_TARGET = 'CodeCommit_20150413';
/** CloudTrail's awsJson target prefix: the SDK v3 sends the service shape name, botocore the full one. */
const CLOUDTRAIL_TARGETS = ['CloudTrail_20131101', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'];
const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** One wire protocol of the public API: how to find the operation and how to answer. */
interface ApiProtocol {
  /** Signing names accepted in the SigV4 credential scope. */
  services: string[];
  actionPrefix: string;
  operations: Record<string, Operation>;
  parse(signed: SignedRequest): { operation: string; input: Record<string, unknown> };
  respond(operation: string, output: unknown, requestId: string): AwsHttpResponse;
  fail(error: AwsError, requestId: string): AwsHttpResponse;
}

/**
 * The public AWS-style API on POST /: read the body (bounded), verify SigV4 with the policy
 * service, authorize the operation on its resource, dispatch, and answer in the shapes the SDKs
 * parse: awsJson for CodeCommit (X-Amz-Target), awsQuery for IAM (form bodies with Action=).
 */
@Injectable()
export class GatewayHttpController {
  private readonly logger = new Logger('api-gateway');
  private readonly codecommit: ApiProtocol;
  private readonly iam: ApiProtocol;
  private readonly sts: ApiProtocol;
  private readonly cloudtrail: ApiProtocol;
  private readonly proxies: TrustedProxies;
  private server?: Server;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly upstreams: Upstreams,
    private readonly audit: ApiAudit,
    repositories: RepositoryOperations,
    branches: BranchOperations,
    commits: CommitOperations,
    content: ContentOperations,
    merges: MergeOperations,
    pullRequests: PullRequestOperations,
    triggers: TriggerOperations,
    iamOperations: IamOperations,
    stsOperations: StsOperations,
    cloudTrailOperations: CloudTrailOperations,
  ) {
    this.proxies = TrustedProxies.parse(config.trustedProxies);
    this.codecommit = {
      services: ['codecommit'],
      actionPrefix: 'codecommit',
      operations: { ...repositories.operations, ...branches.operations, ...commits.operations, ...content.operations, ...merges.operations, ...pullRequests.operations, ...triggers.operations },
      parse: (signed) => parseAwsJsonRequest(signed, CODECOMMIT_TARGET),
      respond: (_operation, output, requestId) => awsJsonResponse(output, requestId),
      fail: (error, requestId) => awsJsonErrorResponse(error, requestId),
    };
    this.cloudtrail = {
      ...this.codecommit,
      services: ['cloudtrail'],
      actionPrefix: 'cloudtrail',
      operations: { ...cloudTrailOperations.operations },
      parse: (signed) => {
        const request = parseAwsJsonRequest(signed);
        if (!CLOUDTRAIL_TARGETS.includes(request.targetPrefix)) throw unknownOperation(signed.headers['x-amz-target'] ?? '');
        return request;
      },
    };
    this.iam = {
      services: ['iam'],
      actionPrefix: 'iam',
      operations: { ...iamOperations.operations },
      parse: (signed) => {
        const { action, input } = parseAwsQueryRequest(signed);
        return { operation: action, input };
      },
      respond: (operation, output, requestId) => awsQueryResponse(operation, output, requestId, IAM_XMLNS),
      fail: (error, requestId) => awsQueryErrorResponse(error, requestId, IAM_XMLNS),
    };
    this.sts = {
      ...this.iam,
      services: ['sts'],
      actionPrefix: 'sts',
      operations: { ...stsOperations.operations },
      respond: (operation, output, requestId) => awsQueryResponse(operation, output, requestId, STS_XMLNS),
      fail: (error, requestId) => awsQueryErrorResponse(error, requestId, STS_XMLNS),
    };
  }

  async listen(): Promise<number> {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.config.port, this.config.host, resolve));
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.config.port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    const requestId = newRequestId();
    const measured = observeApiRequest();
    const target = String(req.headers['x-amz-target'] ?? '');
    let protocol = !target ? this.iam : CLOUDTRAIL_TARGETS.some((prefix) => target.startsWith(`${prefix}.`)) ? this.cloudtrail : this.codecommit;
    let response: AwsHttpResponse;
    const origin: RequestOrigin = { sourceIp: this.proxies.clientAddress(req), secureTransport: this.proxies.isSecure(req) };
    const call: ApiCall = { eventSource: '', operation: '', input: {}, resources: [], requestId, req, origin };
    try {
      if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') throw new AwsError('UnknownOperationException', 'Only POST / is served', { statusCode: 404 });
      const signed = signedRequestFromNode(req, await readBody(req, this.config.maxBodyBytes));
      if (protocol === this.iam && this.isSts(signed)) protocol = this.sts;
      call.eventSource = `${protocol.services[0]}.amazonaws.com`;
      const caller = await this.authenticate(signed, protocol.services, origin.sourceIp);
      call.caller = caller;
      const { operation, input } = protocol.parse(signed);
      Object.assign(call, { operation, input });
      const handler = Object.hasOwn(protocol.operations, operation) ? protocol.operations[operation] : undefined;
      if (!handler) throw unknownOperation(operation);
      const action = `${protocol.actionPrefix}:${operation}`;
      const context = (await handler.conditions?.(input)) ?? {};
      // Every resource must be allowed (both names of a rename, each member of a batch).
      const resources = await handler.resources(input, caller);
      const decisions = await authorizeAll(this.upstreams, caller.arn, resources.map((resource) => ({ action, resource, context })), origin);
      const denied = decisions.findIndex((d) => !d.allowed);
      call.resources.push(...(denied === -1 ? resources : resources.slice(0, denied + 1)));
      if (denied !== -1) throw accessDenied(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resources[denied]}`);
      response = protocol.respond(operation, await handler.run(input, caller), requestId);
    } catch (error) {
      const awsError = toAwsError(error);
      if (awsError.statusCode >= 500) this.logger.error('request failed', { error, requestId });
      Object.assign(call, { errorCode: awsError.code, errorMessage: awsError.message });
      response = protocol.fail(awsError, requestId);
    }
    res.writeHead(response.status, response.headers).end(response.body);
    const known = Object.hasOwn(protocol.operations, call.operation);
    measured(protocol.actionPrefix, known ? call.operation : '', call.errorCode ?? 'ok');
    // Every request that reached the API (allowed, denied or refused) leaves a record.
    if (call.eventSource) void this.audit.record(call).catch((error: unknown) => this.logger.error('audit record failed', { error, requestId }));
  }

  /** awsQuery requests are STS's when signed for `sts` or when they name an STS action. */
  private isSts(signed: SignedRequest): boolean {
    if (/Credential=[^/]*\/[^/]*\/[^/]*\/sts\//.test(signed.headers['authorization'] ?? '')) return true;
    const action = new URLSearchParams(signed.body.toString('utf8')).get('Action') ?? new URLSearchParams(signed.query).get('Action');
    return action !== null && Object.hasOwn(this.sts.operations, action);
  }

  private async authenticate(signed: SignedRequest, services: string[], sourceIp: string): Promise<policy.Principal> {
    const verdict = await callUnary(this.upstreams.policy, this.upstreams.policy.verifySignature, { ...signed, allowedServices: services, sourceIp });
    if (verdict.principal) return verdict.principal;
    throw new AwsError(verdict.errorCode || 'InvalidSignatureException', verdict.errorMessage, {
      statusCode: verdict.errorStatus || 400,
      queryCode: verdict.errorQueryCode || undefined,
      queryStatusCode: verdict.errorQueryStatus || undefined,
    });
  }
}

/** Domain errors from the services carry the code they map to; the rest are ours. */
function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  if (error instanceof RequestTooLarge) return new AwsError('ValidationException', error.message, { statusCode: 413, queryCode: 'ValidationError' });
  if (isGrpcError(error)) {
    const code = domainCodeOf(error);
    const iam = code ? IAM_ERRORS[code] : undefined;
    if (iam) return new AwsError(code!, error.details, { statusCode: 400, queryCode: iam.queryCode, queryStatusCode: iam.status });
    if (code && code.endsWith('Exception')) return new AwsError(code, error.details);
    if (error.code === GrpcCode.UNAVAILABLE || error.code === GrpcCode.DEADLINE_EXCEEDED) {
      return new AwsError('ServiceUnavailableException', 'Service unavailable, try again later', { statusCode: 503, queryCode: 'ServiceUnavailable' });
    }
  }
  return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', { statusCode: 500 });
}

class RequestTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new RequestTooLarge(`Request body exceeds ${limit} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new RequestTooLarge(`Request body exceeds ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
