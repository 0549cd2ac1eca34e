import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { isGrpcError, metadata, policy, RequestOrigin, storage } from '@cairn/contracts';
import { isValidGitProtocol, PktLineFramingChecker } from '@cairn/git';
import { Logger, TrustedProxies } from '@cairn/runtime';
import { GitAccess, GitAccessError, GitRefusal, GitService } from '../auth/git-access';
import { GitCredentialsAuthenticator } from '../auth/git-credentials.authenticator';
import { readPushHead } from '../auth/push-head';
import { GIT_PROTOCOL_CONFIG, GitProtocolConfig } from '../config';
import { Upstreams } from '../upstreams/upstreams';
import { GitAudit, GitCall } from '../audit/git-audit';
import { GitRequestKind, observeGitRequest } from '../audit/git-metrics';
import { progressMessage, refusedPushReport } from './report-status';
import { BodyRefused, exchange, GIT_NO_CACHE_HEADERS } from './storage-bridge';
import { encodePktLine, FLUSH_PKT } from '@cairn/git';

const ROUTE = /^\/v1\/repos\/([^/]+)\/(info\/refs|git-upload-pack|git-receive-pack)$/;
/** A fetch request lists wants and haves; git's own http-backend buffers at most 10 MB. */
const MAX_UPLOAD_REQUEST_BYTES = 100 * 1024 * 1024;

type Service = GitService;

const REFUSAL_STATUS: Record<GitRefusal, number> = { invalid: 400, forbidden: 403, 'not-found': 404, 'too-large': 413 };

/** A git request's audit record in the making. */
type AuditedCall = Partial<GitCall> & Pick<GitCall, 'transport' | 'gitProtocol' | 'repositoryName' | 'sourceIPAddress' | 'userAgent'> & { audited?: boolean };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Git smart HTTP at /v1/repos/<name>: authentication, authorization, then bytes to storage. */
@Injectable()
export class SmartHttpController {
  private readonly logger = new Logger('git-protocol');
  private readonly proxies: TrustedProxies;

  constructor(
    @Inject(GIT_PROTOCOL_CONFIG) private readonly config: GitProtocolConfig,
    private readonly upstreams: Upstreams,
    private readonly authenticator: GitCredentialsAuthenticator,
    private readonly access: GitAccess,
    private readonly gitAudit: GitAudit,
  ) {
    this.proxies = TrustedProxies.parse(config.trustedProxies);
  }

  matches(path: string): boolean {
    return path.startsWith('/v1/repos/');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Filled in as the request is understood; transfers and refusals are audited.
    const origin: RequestOrigin = { sourceIp: this.proxies.clientAddress(req), secureTransport: this.proxies.isSecure(req) };
    const audit: AuditedCall = { transport: 'http', gitProtocol: '', repositoryName: '', sourceIPAddress: origin.sourceIp, userAgent: String(req.headers['user-agent'] ?? '') };
    this.whenDone(req, res, audit);
    try {
      await this.route(req, res, audit, origin);
    } catch (caught) {
      if (caught instanceof GitAccessError && caught.refusal === 'forbidden') Object.assign(audit, { audited: true, errorCode: 'AccessDenied', errorMessage: caught.message });
      const error = caught instanceof GitAccessError ? new HttpError(REFUSAL_STATUS[caught.refusal], caught.message) : caught;
      if (error instanceof HttpError) {
        if (!res.headersSent) res.writeHead(error.status, { 'Content-Type': 'text/plain; charset=utf-8', ...GIT_NO_CACHE_HEADERS, ...error.headers }).end(`${error.message}\n`);
        else res.destroy();
        req.resume();
        return;
      }
      this.logger.error('git request failed', { error, url: req.url });
      if (!res.headersSent) res.writeHead(isGrpcError(error, status.UNAVAILABLE) ? 503 : 500, { 'Content-Type': 'text/plain' }).end('internal error\n');
      else res.destroy();
    }
  }

  /**
   * When the response is over (sent, or the connection dropped): the request's metrics and, for a
   * transfer or a refusal, its audit record, both with the bytes moved: the request body as passed
   * to storage (after any gzip), and the response as written to the socket (HTTP/1.1 serves one
   * request at a time per connection, so the socket's counter moved by this response alone).
   */
  private whenDone(req: IncomingMessage, res: ServerResponse, audit: AuditedCall): void {
    const finished = observeGitRequest('http');
    const socket = req.socket;
    const written = socket.bytesWritten;
    res.once('close', () => {
      const bytesReceived = audit.bytesTransferredIn ?? 0;
      const bytesSent = socket.bytesWritten - written;
      const outcome = audit.errorCode === 'AccessDenied' ? 'denied' : res.statusCode === 200 && res.writableFinished ? 'ok' : String(res.statusCode);
      finished(requestKind(req.url), { outcome: res.writableFinished ? outcome : 'aborted', bytesReceived, bytesSent });
      if (!audit.audited || !audit.eventName) return;
      Object.assign(audit, { bytesTransferredIn: bytesReceived, bytesTransferredOut: bytesSent });
      void this.gitAudit.record(audit as GitCall).catch((error: unknown) => this.logger.error('audit record failed', { error }));
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, audit: AuditedCall, origin: RequestOrigin): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = ROUTE.exec(url.pathname);
    if (!match) throw new HttpError(404, 'not found');
    const repositoryName = decodeURIComponent(match[1]);
    const endpoint = match[2];
    let service: Service;
    if (endpoint === 'info/refs') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed', { Allow: 'GET' });
      const requested = url.searchParams.get('service');
      if (requested !== 'git-upload-pack' && requested !== 'git-receive-pack') throw new HttpError(400, 'only the smart HTTP protocol is supported (service=git-upload-pack or git-receive-pack)');
      service = requested;
    } else {
      if (req.method !== 'POST') throw new HttpError(405, 'method not allowed', { Allow: 'POST' });
      service = endpoint as Service;
      if (req.headers['content-type'] !== `application/x-${service}-request`) throw new HttpError(415, `expected Content-Type application/x-${service}-request`);
    }
    GitAccess.checkName(repositoryName);
    const gitProtocol = String(req.headers['git-protocol'] ?? '');
    if (gitProtocol && !isValidGitProtocol(gitProtocol)) throw new HttpError(400, 'invalid Git-Protocol header');

    const { principal, retryAfterSeconds } = await this.authenticator.authenticate({ authorization: req.headers.authorization, host: String(req.headers.host ?? ''), repositoryName, sourceIp: origin.sourceIp });
    if (retryAfterSeconds) throw new HttpError(429, `too many failed authentication attempts; retry in ${retryAfterSeconds} seconds`, { 'Retry-After': String(retryAfterSeconds) });
    if (!principal) throw new HttpError(401, 'authentication required', { 'WWW-Authenticate': 'Basic realm="Cairn", charset="UTF-8"' });
    Object.assign(audit, { eventName: service === 'git-upload-pack' ? 'GitPull' : 'GitPush', principal, repositoryName, gitProtocol, audited: endpoint !== 'info/refs' });
    const { repository, arn } = await this.access.open(principal, service, repositoryName, origin);
    audit.repositoryId = repository.repositoryId;

    if (endpoint === 'info/refs') return this.infoRefs(req, res, repository, service, gitProtocol);
    if (service === 'git-upload-pack') return this.uploadPack(req, res, repository, gitProtocol, audit);
    return this.receivePack(req, res, repository, gitProtocol, principal, arn, audit, origin);
  }

  private async infoRefs(req: IncomingMessage, res: ServerResponse, repository: metadata.RepositoryMetadata, service: Service, gitProtocol: string): Promise<void> {
    const call = this.upstreams.storage.infoRefs({
      repositoryId: repository.repositoryId,
      service: service === 'git-upload-pack' ? storage.GitService.GIT_SERVICE_UPLOAD_PACK : storage.GitService.GIT_SERVICE_RECEIVE_PACK,
      gitProtocol,
    });
    // Protocol v2 starts with the capability advertisement; v0/v1 need the smart-HTTP preamble.
    const v2 = /(^|:)version=2(:|$)/.test(gitProtocol) && service === 'git-upload-pack';
    const prefix = v2 ? undefined : Buffer.concat([encodePktLine(`# service=${service}\n`), FLUSH_PKT]);
    await exchange(call, req, res, { 'Content-Type': `application/x-${service}-advertisement`, ...GIT_NO_CACHE_HEADERS }, { prefix });
  }

  private async uploadPack(req: IncomingMessage, res: ServerResponse, repository: metadata.RepositoryMetadata, gitProtocol: string, audit: AuditedCall): Promise<void> {
    const body = requestBody(req);
    const call = this.upstreams.storage.uploadPack();
    call.write({ header: { repositoryId: repository.repositoryId, gitProtocol, fullDuplex: false }, data: Buffer.alloc(0) });
    // A fetch request is nothing but pkt-lines: garbage is refused here, before git reads it.
    const framing = new PktLineFramingChecker();
    // A fetch request that ends its negotiation ("done") is answered with a pack: that is a pull.
    // Protocol v2's ls-refs, and the earlier rounds of a long negotiation, are not.
    audit.packRequested = false;
    await exchange(call, req, res, { 'Content-Type': 'application/x-git-upload-pack-result', ...GIT_NO_CACHE_HEADERS }, {
      request: {
        body,
        wrap: (data) => {
          audit.bytesTransferredIn = (audit.bytesTransferredIn ?? 0) + data.length;
          return { header: undefined, data };
        },
        maxBytes: MAX_UPLOAD_REQUEST_BYTES,
        tooLargeMessage: 'fetch request too large',
        inspect: (chunk) => {
          try {
            if (chunk) {
              framing.push(chunk);
              audit.packRequested = framing.doneSeen;
            } else framing.end();
          } catch (error) {
            throw new BodyRefused(400, (error as Error).message);
          }
        },
      },
    });
  }

  private async receivePack(
    req: IncomingMessage,
    res: ServerResponse,
    repository: metadata.RepositoryMetadata,
    gitProtocol: string,
    principal: policy.Principal,
    arn: string,
    audit: AuditedCall,
    origin: RequestOrigin,
  ): Promise<void> {
    const body = requestBody(req);
    const { head, consumed } = await readPushHead(body);
    audit.refUpdates = head.commands.map((c) => ({ ref: c.ref, oldId: c.oldId, newId: c.newId }));
    // git's probe before a large push is not a push of its own.
    audit.audited = head.commands.length > 0;
    const headers = { 'Content-Type': 'application/x-git-receive-pack-result', ...GIT_NO_CACHE_HEADERS };
    if (head.commands.length === 0) {
      // git's probe before a large push (a lone flush): receive-pack would answer with nothing.
      body.resume();
      res.writeHead(200, headers).end();
      return;
    }
    const refs = head.commands.map((c) => c.ref);
    const denied = await this.access.deniedReferences(principal, arn, refs, origin);
    audit.deniedRefs = denied;
    if (denied.length > 0) {
      Object.assign(audit, { errorCode: 'AccessDenied', errorMessage: `${principal.arn} may not update ${denied.join(', ')}` });
      // Read the rest of the upload so the client sees our report rather than a reset connection.
      // (A short body may have ended already, while its command list was read.)
      body.resume();
      if (!body.readableEnded) await new Promise((resolve) => body.once('end', resolve).once('error', resolve));
      res.writeHead(200, headers).end(refusedPushReport(refs, new Set(denied), head.capabilities));
      return;
    }
    const call = this.upstreams.storage.receivePack();
    call.write({
      header: { repositoryId: repository.repositoryId, gitProtocol, actorArn: principal.arn, repositoryName: repository.repositoryName, accountId: repository.accountId, fullDuplex: false },
      data: Buffer.alloc(0),
    });
    call.write({ header: undefined, data: consumed });
    audit.bytesTransferredIn = consumed.length;
    const plural = refs.length === 1 ? '' : 's';
    await exchange(call, req, res, headers, {
      prefix: progressMessage(`Cairn: ${refs.length} ref update${plural} authorized for ${principal.name}`, head.capabilities),
      request: {
        body,
        wrap: (data) => {
          audit.bytesTransferredIn = (audit.bytesTransferredIn ?? 0) + data.length;
          return { header: undefined, data };
        },
        maxBytes: this.config.maxPushBytes - consumed.length,
        tooLargeMessage: 'push too large',
      },
    });
  }
}

function requestKind(url: string | undefined): GitRequestKind {
  const path = (url ?? '').split('?')[0]!;
  if (path.endsWith('/info/refs')) return 'info-refs';
  if (path.endsWith('/git-upload-pack')) return 'upload-pack';
  if (path.endsWith('/git-receive-pack')) return 'receive-pack';
  return 'unknown';
}

function requestBody(req: IncomingMessage): Readable {
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    const gunzip = createGunzip();
    req.pipe(gunzip);
    return gunzip;
  }
  if (encoding && encoding !== 'identity') throw new HttpError(415, `unsupported Content-Encoding ${encoding}`);
  return req;
}
