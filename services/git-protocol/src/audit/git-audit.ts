import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditPublisher, auditRecord, createEventLog, EventLog, userIdentityOf } from '@cairn/events';
import type { policy } from '@cairn/contracts';
import { loadConfig, str } from '@cairn/runtime';
import { Upstreams } from '../upstreams/upstreams';

const auditConfig = () => loadConfig({ eventLogUrl: { ...str('CAIRN_EVENT_LOG_URL', ''), secret: true } });

/** One git request as the transport saw it. */
export interface GitCall {
  eventName: 'GitPull' | 'GitPush';
  principal?: policy.Principal;
  repositoryName: string;
  repositoryId?: string;
  /** http or ssh. */
  transport: 'http' | 'ssh';
  gitProtocol: string;
  sourceIPAddress: string;
  userAgent: string;
  /** For a push: the reference updates asked for. */
  refUpdates?: { ref: string; oldId: string; newId: string }[];
  /** For a push: the refs policy refused. */
  deniedRefs?: string[];
  errorCode?: string;
  errorMessage?: string;
  /**
   * For a pull: whether a pack was asked for. Over HTTP, whether the request ended the negotiation
   * (protocol v2's ls-refs and early negotiation rounds do not); over SSH, where one session is one
   * fetch, whether the client sent any `want` (an ls-remote does not).
   */
  packRequested?: boolean;
  /** Bytes received from and sent to the client for this request (HTTP: on the wire; SSH: channel data). */
  bytesTransferredIn?: number;
  bytesTransferredOut?: number;
}

/**
 * GitPull and GitPush records, like CloudTrail's for CodeCommit's git traffic, with what git
 * did in additionalEventData (transport, protocol version, refs and commits pushed). Published
 * off the request path; without an event log configured, nothing is recorded.
 */
@Injectable()
export class GitAudit implements OnApplicationShutdown {
  private readonly log?: EventLog;
  private readonly publisher?: AuditPublisher;

  constructor(private readonly upstreams: Upstreams) {
    const { eventLogUrl } = auditConfig();
    if (eventLogUrl) {
      this.log = createEventLog(eventLogUrl);
      this.publisher = new AuditPublisher(this.log, { source: 'git-protocol' });
    }
  }

  async record(call: GitCall): Promise<void> {
    if (!this.publisher) return;
    const { accountId, region } = await this.upstreams.getAccount();
    const arn = `arn:aws:codecommit:${region}:${accountId}:${call.repositoryName}`;
    const record = auditRecord({
      accountId,
      eventSource: 'codecommit.amazonaws.com',
      eventName: call.eventName,
      awsRegion: region,
      sourceIPAddress: call.sourceIPAddress,
      userAgent: call.userAgent,
      userIdentity: userIdentityOf(call.principal),
      requestParameters: { repositoryName: call.repositoryName },
      responseElements: null,
      additionalEventData: {
        protocol: call.transport,
        gitProtocolVersion: /(^|:)version=2(:|$)/.test(call.gitProtocol) ? 2 : 0,
        ...(call.refUpdates ? { referenceUpdates: call.refUpdates, deniedReferences: call.deniedRefs ?? [] } : {}),
        ...(call.packRequested !== undefined ? { packRequested: call.packRequested } : {}),
        ...(call.bytesTransferredIn !== undefined ? { bytesTransferredIn: call.bytesTransferredIn, bytesTransferredOut: call.bytesTransferredOut ?? 0 } : {}),
      },
      ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: call.errorMessage } : {}),
      requestID: randomUUID(),
      readOnly: call.eventName === 'GitPull',
      resources: [{ ARN: arn, accountId, type: 'AWS::CodeCommit::Repository' }],
    });
    await this.publisher.record(record, call.repositoryId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher?.close();
    await this.log?.close();
  }
}
