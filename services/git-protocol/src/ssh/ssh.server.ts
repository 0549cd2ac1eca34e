import { Inject, Injectable } from '@nestjs/common';
import { Server, utils, type AuthContext, type Connection, type ServerChannel, type Session } from 'ssh2';
import { status } from '@grpc/grpc-js';
import { callUnary, isGrpcError, policy, storage } from '@cairn/contracts';
import { isValidGitProtocol, PktLineFramingChecker } from '@cairn/git';
import { Logger } from '@cairn/runtime';
import { GitAccess, GitAccessError } from '../auth/git-access';
import { readPushHead } from '../auth/push-head';
import { GIT_PROTOCOL_CONFIG, GitProtocolConfig } from '../config';
import { progressMessage, refusedPushReport } from '../smart-http/report-status';
import { Upstreams } from '../upstreams/upstreams';
import { parseGitCommandLine } from './git-command-line';
import { loadOrCreateHostKey } from './host-key';
import { refuseChannel, SshExchange } from './ssh-exchange';

const SSH_KEY_ID = /^APKA[A-Z2-7]{16}$/;
/** A connection that has not authenticated by then is dropped. */
const AUTH_TIMEOUT_MS = 60_000;
/** Failed attempts (keys tried) before a connection is dropped. */
const MAX_AUTH_FAILURES = 10;

/**
 * Git over SSH: public-key authentication with IAM SSH keys (the SSH user name is the key id,
 * APKA…), then `git-upload-pack` / `git-receive-pack` on /v1/repos/<name>, authorized exactly as
 * smart HTTP is (GitAccess; per-ref GitPush before storage sees a pushed byte) and served by
 * storage running git full-duplex. No shell, no port forwarding, no other command.
 */
@Injectable()
export class SshServer {
  private readonly logger = new Logger('git-protocol');
  private server?: Server;
  private readonly connections = new Set<Connection>();

  constructor(
    @Inject(GIT_PROTOCOL_CONFIG) private readonly config: GitProtocolConfig,
    private readonly upstreams: Upstreams,
    private readonly access: GitAccess,
  ) {}

  /** Starts listening when a host key file is configured; returns the port, or undefined. */
  async listen(): Promise<number | undefined> {
    if (!this.config.sshHostKeyFile) {
      this.logger.info('SSH disabled: CAIRN_SSH_HOST_KEY_FILE is not set');
      return undefined;
    }
    const hostKey = await loadOrCreateHostKey(this.config.sshHostKeyFile);
    const server = new Server({ hostKeys: [hostKey], ident: 'Cairn' }, (client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.sshPort, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error: Error) => this.logger.error('ssh server error', { error }));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : this.config.sshPort;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      for (const c of this.connections) c.end();
    });
  }

  private accept(client: Connection): void {
    this.connections.add(client);
    let principal: policy.Principal | undefined;
    let failures = 0;
    const timer = setTimeout(() => client.end(), AUTH_TIMEOUT_MS);
    // A client that resets the connection must not take the service down.
    client.on('error', (error: Error) => this.logger.info('ssh connection error', { error: error.message }));
    client.on('close', () => {
      clearTimeout(timer);
      this.connections.delete(client);
    });

    client.on('authentication', (ctx: AuthContext) => {
      const reject = () => {
        if (++failures >= MAX_AUTH_FAILURES) client.end();
        ctx.reject(['publickey']);
      };
      if (ctx.method !== 'publickey') return ctx.method === 'none' ? ctx.reject(['publickey']) : reject();
      this.verifyKey(ctx.username, ctx.key.data, ctx.signature, ctx.blob, ctx.hashAlgo).then(
        (verified) => {
          if (!verified) return reject();
          // Without a signature the client only asks whether the key would do (ssh2 answers PK_OK).
          if (ctx.signature) principal = verified;
          ctx.accept();
        },
        (error: unknown) => {
          this.logger.error('ssh key verification failed', { error });
          reject();
        },
      );
    });

    client.on('ready', () => {
      clearTimeout(timer);
      const caller = principal!;
      client.on('session', (acceptSession) => this.session(acceptSession(), caller));
    });
  }

  /** The key's owner when the user name is the id of that active key and the signature is its. */
  private async verifyKey(username: string, blob: Buffer, signature?: Buffer, signed?: Buffer, hashAlgo?: string): Promise<policy.Principal | undefined> {
    if (!SSH_KEY_ID.test(username)) return undefined;
    const result = await callUnary(this.upstreams.policy, this.upstreams.policy.verifySshKey, { sshPublicKeyId: username, publicKeyBlob: blob });
    if (!result.valid || !result.principal) return undefined;
    if (!signature) return result.principal;
    const key = utils.parseKey(blob);
    if (key instanceof Error || !signed) return undefined;
    return key.verify(signed, signature, hashAlgo) === true ? result.principal : undefined;
  }

  private session(session: Session, principal: policy.Principal): void {
    let gitProtocol = '';
    let badGitProtocol = false;
    const noShell = (channel: ServerChannel) =>
      refuseChannel(channel, `Hi ${principal.name}! Cairn does not offer a shell; use git clone ssh://<key-id>@host:port/v1/repos/<name>`);
    session.on('env', (accept, reject, info) => {
      if (info.key !== 'GIT_PROTOCOL') return reject?.();
      if (!isValidGitProtocol(info.val)) {
        badGitProtocol = true;
        return reject?.();
      }
      gitProtocol = info.val;
      accept?.();
    });
    session.on('shell', (accept) => noShell(accept()));
    session.on('subsystem', (accept) => noShell(accept()));
    session.on('exec', (accept, _reject, info) => {
      const channel = accept();
      if (badGitProtocol) return refuseChannel(channel, 'cairn: invalid GIT_PROTOCOL');
      this.exec(channel, info.command, principal, gitProtocol).catch((error: unknown) => {
        this.logger.error('ssh git session failed', { error, command: info.command.slice(0, 200) });
        refuseChannel(channel, isGrpcError(error, status.UNAVAILABLE) ? 'cairn: service unavailable, try again later' : 'cairn: internal error');
      });
    });
  }

  private async exec(channel: ServerChannel, command: string, principal: policy.Principal, gitProtocol: string): Promise<void> {
    const parsed = parseGitCommandLine(command);
    if ('error' in parsed) return refuseChannel(channel, `cairn: ${parsed.error}`);
    // Nothing the client sends is read until it is known where it goes.
    channel.pause();
    let grant;
    try {
      grant = await this.access.open(principal, parsed.service, parsed.repositoryName);
    } catch (error) {
      if (error instanceof GitAccessError) return refuseChannel(channel, `cairn: ${error.message}`);
      throw error;
    }
    const { repository, arn } = grant;
    if (parsed.service === 'git-upload-pack') {
      const call = this.upstreams.storage.uploadPack();
      call.write({ header: { repositoryId: repository.repositoryId, gitProtocol, fullDuplex: true }, data: Buffer.alloc(0) });
      const exchange = new SshExchange<storage.UploadPackRequest>(channel, call, (data) => ({ header: undefined, data }));
      // Requests are nothing but pkt-lines: garbage is refused here, before git reads it.
      const framing = new PktLineFramingChecker();
      exchange.forward({
        maxBytes: Number.MAX_SAFE_INTEGER,
        tooLargeMessage: 'fetch request too large',
        inspect: (chunk) => (chunk ? framing.push(chunk) : framing.end()),
      });
      return exchange.finished;
    }

    const call = this.upstreams.storage.receivePack();
    call.write({
      header: { repositoryId: repository.repositoryId, gitProtocol, actorArn: principal.arn, repositoryName: repository.repositoryName, accountId: repository.accountId, fullDuplex: true },
      data: Buffer.alloc(0),
    });
    // git's advertisement flows to the client at once; the client's answer is held until every
    // ref it names is authorized (decision 0003).
    const exchange = new SshExchange<storage.ReceivePackRequest>(channel, call, (data) => ({ header: undefined, data }));
    let pushHead;
    try {
      pushHead = await readPushHead(channel);
    } catch (error) {
      if (error instanceof GitAccessError) {
        exchange.refuse(`cairn: ${error.message}`);
        return exchange.finished;
      }
      throw error;
    }
    const { head, consumed } = pushHead;
    const refs = head.commands.map((c) => c.ref);
    if (refs.length > 0) {
      const denied = await this.access.deniedReferences(principal, arn, refs);
      if (denied.length > 0) {
        exchange.answerInstead(refusedPushReport(refs, new Set(denied), head.capabilities));
        return exchange.finished;
      }
      const plural = refs.length === 1 ? '' : 's';
      exchange.say(progressMessage(`Cairn: ${refs.length} ref update${plural} authorized for ${principal.name}`, head.capabilities));
    }
    exchange.send(consumed);
    exchange.forward({ maxBytes: this.config.maxPushBytes, tooLargeMessage: 'cairn: push too large' });
    return exchange.finished;
  }
}
