import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AuditPublisher, auditRecord, createEventLog, EventLog, redactParameters, userIdentityOf } from '@cairn/events';
import type { policy, RequestOrigin } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Upstreams } from '../upstreams';

/** What one API request did, as the dispatcher saw it. */
export interface ApiCall {
  eventSource: string;
  operation: string;
  input: Record<string, unknown>;
  caller?: policy.Principal;
  /** The resources it was authorized on (the first refusal ends the list). */
  resources: string[];
  errorCode?: string;
  errorMessage?: string;
  requestId: string;
  req: IncomingMessage;
  /** The client's address, as the trusted proxies in front report it. */
  origin: RequestOrigin;
}

const READ_ONLY = /^(Get|List|Describe|BatchGet|BatchDescribe|Evaluate|Lookup|Simulate)/;

/**
 * One CloudTrail record per API request, allowed or denied, published off the request path
 * (AuditPublisher). Without an event log configured (a unit test), nothing is recorded.
 */
@Injectable()
export class ApiAudit implements OnApplicationShutdown {
  private readonly log?: EventLog;
  private readonly publisher?: AuditPublisher;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly upstreams: Upstreams,
  ) {
    if (config.eventLogUrl) {
      this.log = createEventLog(config.eventLogUrl);
      this.publisher = new AuditPublisher(this.log, { source: 'api-gateway' });
    }
  }

  async record(call: ApiCall): Promise<void> {
    if (!this.publisher) return;
    const { accountId, region } = await this.upstreams.getAccount();
    const record = auditRecord({
      accountId,
      eventSource: call.eventSource,
      eventName: call.operation || 'Unknown',
      awsRegion: region,
      sourceIPAddress: call.origin.sourceIp,
      userAgent: String(call.req.headers['user-agent'] ?? ''),
      userIdentity: userIdentityOf(call.caller, accessKeyIdOf(call.req)),
      requestParameters: (redactParameters(call.input) as Record<string, unknown>) ?? null,
      responseElements: null,
      ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: call.errorMessage } : {}),
      requestID: call.requestId,
      readOnly: READ_ONLY.test(call.operation),
      resources: call.resources.map((arn) => ({ ARN: arn, accountId, type: resourceType(arn) })),
    });
    await this.publisher.record(record);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.close();
    await this.log?.close();
  }
}

function accessKeyIdOf(req: IncomingMessage): string {
  return /Credential=([A-Z0-9]{16,128})\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
}

function resourceType(arn: string): string {
  if (arn.startsWith('arn:aws:codecommit:')) return 'AWS::CodeCommit::Repository';
  if (/^arn:aws:iam::\d*:user\//.test(arn)) return 'AWS::IAM::User';
  if (/^arn:aws:iam::\d*:role\//.test(arn)) return 'AWS::IAM::Role';
  if (/^arn:aws:iam::\d*:group\//.test(arn)) return 'AWS::IAM::Group';
  if (/^arn:aws:iam::[\d]*:policy\//.test(arn)) return 'AWS::IAM::Policy';
  return 'AWS::Unknown';
}
