import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { Server, utils, type AuthContext, type ClientInfo, type Connection, type ServerChannel, type Session } from 'ssh2';
import { status } from '@grpc/grpc-js';
import { callUnary, isGrpcError, policy, storage } from '@cairn/contracts';
import { isValidGitProtocol, PktLineFramingChecker } from '@cairn/git';
import { Logger } from '@cairn/runtime';
import { GitAccess, GitAccessError, type GitService } from '../auth/git-access';
import { readPushHead } from '../auth/push-head';
import { GitAudit, GitCall } from '../audit/git-audit';
import { GIT_PROTOCOL_CONFIG, GitProtocolConfig } from '../config';
import { progressMessage, refusedPushReport } from '../smart-http/report-status';
import { Upstreams } from '../upstreams/upstreams';
import { parseGitCommandLine } from './git-command-line';
import { loadOrCreateHostKey } from './host-key';
import { keyWeakness } from './key-strength';
import { observeGitRequest } from '../audit/git-metrics';
import { addressKey, ConcurrencyLimit, deadline, formatSeconds, IdleTimer, observeChannelData } from './limits';
import { refuseChannel, SshExchange } from './ssh-exchange';

const SSH_KEY_ID = /^APKA[A-Z2-7]{16}$/;
/** Connections over the per-address limit still being told so, per address; beyond, they are closed unanswered. */
const MAX_REFUSALS_PER_ADDRESS = 10;
/** How long a refused connection may take to read its refusal. */
const REFUSAL_DEADLINE_MS = 10_000;
/** After a limit closed its sessions, the client has this long to hang up before Cairn does. */
const CHANNEL_CLOSE_GRACE_MS = 2_000;
/** After Cairn hangs up, the client has this long to close before the socket is destroyed. */
const GOODBYE_GRACE_MS = 5_000;

/** One TCP connection, from its accept: what the limits need to know about it. */
interface SshConnection {
  readonly address: string;
  readonly socket: Socket;
  client?: Connection;
  principal?: policy.Principal;
  /** The client's identification string (SSH-2.0-…), its user agent in audit records. */
  clientVersion?: string;
  idle?: IdleTimer;
  readonly channels: Set<ServerChannel>;
  readonly timers: (NodeJS.Timeout | undefined)[];
  /** Slots this connection holds (its address's, its sessions'); all returned when it closes. */
  readonly releases: Set<() => void>;
  closing: boolean;
}

/**
 * Git over SSH: public-key authentication with IAM SSH keys (the SSH user name is the key id,
 * APKA…), then `git-upload-pack` / `git-receive-pack` on /v1/repos/<name>, authorized exactly as
 * smart HTTP is (GitAccess; per-ref GitPush before storage sees a pushed byte) and served by
 * storage running git full-duplex. No shell, no port forwarding, no other command.
 */
@Injectable()
export class SshServer {
  private readonly logger = new Logger('git-protocol');
  private tcp?: NetServer;
  private ssh?: Server;
  /** Speaks SSH only to say that the address has too many connections (a banner), then hangs up. */
  private refuser?: Server;
  /** By "address|port" of the TCP connection: ssh2 names a connection only by its socket's address. */
  private readonly connections = new Map<string, SshConnection>();
  private readonly refusedSockets = new Set<Socket>();
  private readonly perAddress: ConcurrencyLimit;
  private readonly refusalsPerAddress = new ConcurrencyLimit(MAX_REFUSALS_PER_ADDRESS);
  private readonly perUser: ConcurrencyLimit;

  constructor(
    @Inject(GIT_PROTOCOL_CONFIG) private readonly config: GitProtocolConfig,
    private readonly upstreams: Upstreams,
    private readonly access: GitAccess,
    private readonly gitAudit: GitAudit,
  ) {
    this.perAddress = new ConcurrencyLimit(config.sshMaxConnectionsPerAddress);
    this.perUser = new ConcurrencyLimit(config.sshMaxSessionsPerUser);
  }

  /** Starts listening when a host key file is configured; returns the port, or undefined. */
  async listen(): Promise<number | undefined> {
    if (!this.config.sshHostKeyFile) {
      this.logger.info('SSH disabled: CAIRN_SSH_HOST_KEY_FILE is not set');
      return undefined;
    }
    const hostKey = await loadOrCreateHostKey(this.config.sshHostKeyFile);
    // Cairn owns the TCP listener so that limits apply from the accept, before a byte of SSH:
    // ssh2 only reports a connection once the client has sent its identification line.
    this.ssh = new Server({ hostKeys: [hostKey], ident: 'Cairn' }, (client, info) => this.accept(client, info));
    const banner = `cairn: too many SSH connections from your address (the limit is ${this.config.sshMaxConnectionsPerAddress}); try again when some have finished`;
    this.refuser = new Server({ hostKeys: [hostKey], ident: 'Cairn', banner }, (client) => {
      client.on('error', () => undefined);
      // The banner goes out when the client asks for the authentication service; its first attempt is answered by a disconnect.
      client.on('authentication', () => client.end());
    });
    const tcp = createServer((socket) => this.onSocket(socket));
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(this.config.sshPort, this.config.host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    tcp.on('error', (error: Error) => this.logger.error('ssh server error', { error }));
    this.logger.info('ssh limits', {
      maxSessionsPerUser: this.config.sshMaxSessionsPerUser,
      maxConnectionsPerAddress: this.config.sshMaxConnectionsPerAddress,
      maxAuthTries: this.config.sshMaxAuthTries,
      loginGraceSeconds: this.config.sshLoginGraceSeconds,
      idleTimeoutSeconds: this.config.sshIdleTimeoutSeconds,
      sessionTimeoutSeconds: this.config.sshSessionTimeoutSeconds,
    });
    const address = tcp.address();
    return typeof address === 'object' && address ? address.port : this.config.sshPort;
  }

  close(): Promise<void> {
    const tcp = this.tcp;
    if (!tcp) return Promise.resolve();
    return new Promise((resolve) => {
      tcp.close(() => resolve());
      for (const c of this.connections.values()) {
        c.closing = true;
        if (c.client) c.client.end();
        else c.socket.destroy();
        deadline(GOODBYE_GRACE_MS, () => c.socket.destroy());
      }
      for (const socket of this.refusedSockets) socket.destroy();
    });
  }

  /** A new TCP connection: counted against its address, given its deadlines, handed to ssh2. */
  private onSocket(socket: Socket): void {
    const address = addressKey(socket.remoteAddress);
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    // A reset before ssh2 has attached its own listener must not take the service down.
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    const release = this.perAddress.tryAcquire(address);
    if (!release) return this.refuseAddress(socket, address);
    const connection: SshConnection = { address, socket, channels: new Set(), timers: [], releases: new Set([release]), closing: false };
    this.connections.set(key, connection);
    const grace = this.config.sshLoginGraceSeconds;
    connection.timers.push(
      deadline(grace * 1000, () => {
        if (connection.principal) return;
        // Also a connection already told to go (too many failures) that has not gone.
        if (!connection.closing) this.logger.info('ssh connection closed: not authenticated in time', { address, loginGraceSeconds: grace });
        socket.destroy();
      }),
    );
    const total = this.config.sshSessionTimeoutSeconds;
    connection.timers.push(
      deadline(total * 1000, () =>
        this.goodbye(connection, 'session time limit', `cairn: closing the SSH connection: it reached the session time limit of ${formatSeconds(total)}`),
      ),
    );
    socket.once('close', () => {
      this.connections.delete(key);
      for (const timer of connection.timers) clearTimeout(timer);
      connection.idle?.stop();
      for (const r of connection.releases) r();
    });
    this.ssh!.injectSocket(socket);
  }

  private refuseAddress(socket: Socket, address: string): void {
    const release = this.refusalsPerAddress.tryAcquire(address);
    this.logger.warn('ssh connection refused: too many connections from this address', { address, limit: this.config.sshMaxConnectionsPerAddress, told: !!release });
    if (!release) {
      socket.destroy();
      return;
    }
    this.refusedSockets.add(socket);
    const timer = deadline(REFUSAL_DEADLINE_MS, () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(timer);
      release();
      this.refusedSockets.delete(socket);
    });
    this.refuser!.injectSocket(socket);
  }

  /**
   * Ends a connection for a limit. Every open git session is told why on its stderr and closed
   * first (exit status 1): OpenSSH drops channel output it has not printed yet when the
   * connection itself goes, but prints it all when a channel closes, and then hangs up by itself.
   */
  private goodbye(connection: SshConnection, reason: string, message: string): void {
    if (connection.closing) return;
    connection.closing = true;
    this.logger.info(`ssh connection closed: ${reason}`, { address: connection.address, user: connection.principal?.name, sessions: connection.channels.size });
    const hangUp = () => {
      if (connection.client) connection.client.end();
      else connection.socket.destroy();
      connection.timers.push(deadline(GOODBYE_GRACE_MS, () => connection.socket.destroy()));
    };
    if (connection.channels.size === 0) return hangUp();
    for (const channel of connection.channels) {
      if (channel.stderr.writable) channel.stderr.write(`${message}\n`);
      channel.exit(1);
      // CHANNEL_CLOSE without waiting for git's output to drain: nothing more is written to it.
      channel.close();
    }
    connection.timers.push(deadline(CHANNEL_CLOSE_GRACE_MS, hangUp));
  }

  private accept(client: Connection, info: ClientInfo): void {
    const connection = this.connections.get(`${info.ip}|${info.port}`);
    // A client that resets the connection must not take the service down.
    client.on('error', (error: Error) => this.logger.info('ssh connection error', { error: error.message }));
    if (!connection) {
      client.end();
      return;
    }
    connection.client = client;
    connection.clientVersion = info.header?.identRaw ?? '';
    let failures = 0;
    let attempts = 0;
    const maxTries = this.config.sshMaxAuthTries;

    client.on('authentication', (ctx: AuthContext) => {
      attempts++;
      const reject = () => {
        // As OpenSSH counts: every refused attempt but a first "none" (the client asking which methods there are).
        if (!(ctx.method === 'none' && attempts === 1)) failures++;
        ctx.reject(['publickey']);
        if (maxTries > 0 && failures >= maxTries && !connection.closing) {
          connection.closing = true;
          this.logger.warn('ssh connection closed: too many authentication failures', { address: connection.address, failures, user: ctx.username.slice(0, 40) });
          client.end();
        }
      };
      if (connection.closing) return ctx.reject([]);
      if (ctx.method !== 'publickey') return reject();
      const weakness = keyWeakness(ctx.key.data);
      if (weakness) {
        this.logger.warn('ssh key refused', { reason: weakness, address: connection.address, keyId: ctx.username.slice(0, 40) });
        return reject();
      }
      this.verifyKey(ctx.username, ctx.key.data, ctx.signature, ctx.blob, ctx.hashAlgo).then(
        (verified) => {
          if (!verified) return reject();
          // Without a signature the client only asks whether the key would do (ssh2 answers PK_OK).
          if (ctx.signature) connection.principal = verified;
          ctx.accept();
        },
        (error: unknown) => {
          this.logger.error('ssh key verification failed', { error });
          reject();
        },
      );
    });

    client.on('ready', () => {
      if (connection.closing) return;
      const caller = connection.principal!;
      const idleSeconds = this.config.sshIdleTimeoutSeconds;
      connection.idle = new IdleTimer(idleSeconds * 1000, () =>
        this.goodbye(connection, 'idle', `cairn: closing the SSH connection after ${formatSeconds(idleSeconds)} without data`),
      );
      client.on('session', (acceptSession) => this.session(acceptSession(), caller, connection));
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

  private session(session: Session, principal: policy.Principal, connection: SshConnection): void {
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
      if (connection.closing) return refuseChannel(channel, 'cairn: the connection is closing');
      const traffic = { received: 0, sent: 0 };
      observeChannelData(channel, (direction, bytes) => {
        connection.idle?.touch();
        traffic[direction] += bytes;
      });
      connection.channels.add(channel);
      channel.once('close', () => connection.channels.delete(channel));
      if (badGitProtocol) return refuseChannel(channel, 'cairn: invalid GIT_PROTOCOL');
      const parsed = parseGitCommandLine(info.command);
      if ('error' in parsed) return refuseChannel(channel, `cairn: ${parsed.error}`);
      const release = this.perUser.tryAcquire(principal.arn);
      if (!release) {
        const limit = this.config.sshMaxSessionsPerUser;
        this.logger.warn('ssh session refused: too many sessions for this user', { user: principal.name, address: connection.address, limit });
        return refuseChannel(channel, `cairn: ${principal.name} already has ${limit} SSH git sessions open (the limit); try again when one has finished`);
      }
      connection.releases.add(release);
      channel.once('close', () => {
        release();
        connection.releases.delete(release);
      });
      const audit: GitCall = {
        eventName: parsed.service === 'git-upload-pack' ? 'GitPull' : 'GitPush',
        principal,
        repositoryName: parsed.repositoryName,
        transport: 'ssh',
        gitProtocol,
        sourceIPAddress: connection.address,
        userAgent: connection.clientVersion ?? '',
      };
      const finished = observeGitRequest('ssh');
      const kind = parsed.service === 'git-upload-pack' ? 'upload-pack' : 'receive-pack';
      // Bytes of channel data, the session's whole git conversation (SSH's own framing and encryption not counted).
      const moved = () => ({ bytesReceived: traffic.received, bytesSent: traffic.sent });
      this.exec(channel, parsed, principal, gitProtocol, audit)
        .then(() => finished(kind, { outcome: audit.errorCode === 'AccessDenied' ? 'denied' : audit.errorCode ? 'refused' : 'ok', ...moved() }))
        .finally(() => {
          Object.assign(audit, { bytesTransferredIn: traffic.received, bytesTransferredOut: traffic.sent });
          void this.gitAudit.record(audit).catch((error: unknown) => this.logger.error('audit record failed', { error }));
        })
        .catch((error: unknown) => {
        finished(kind, { outcome: 'error', ...moved() });
        this.logger.error('ssh git session failed', { error, command: info.command.slice(0, 200) });
        refuseChannel(channel, isGrpcError(error, status.UNAVAILABLE) ? 'cairn: service unavailable, try again later' : 'cairn: internal error');
      });
    });
  }

  private async exec(channel: ServerChannel, parsed: { service: GitService; repositoryName: string }, principal: policy.Principal, gitProtocol: string, audit: GitCall): Promise<void> {
    // Nothing the client sends is read until it is known where it goes.
    channel.pause();
    // SSH is an encrypted transport: aws:SecureTransport holds, as for HTTPS.
    const origin = { sourceIp: audit.sourceIPAddress, secureTransport: true };
    let grant;
    try {
      grant = await this.access.open(principal, parsed.service, parsed.repositoryName, origin);
    } catch (error) {
      if (error instanceof GitAccessError) {
        if (error.refusal === 'forbidden') Object.assign(audit, { errorCode: 'AccessDenied', errorMessage: error.message });
        return refuseChannel(channel, `cairn: ${error.message}`);
      }
      throw error;
    }
    const { repository, arn } = grant;
    audit.repositoryId = repository.repositoryId;
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
      // An ls-remote lists refs and asks for no objects: not a pull in the platform metrics.
      return exchange.finished.finally(() => (audit.packRequested = framing.wantSeen));
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
    audit.refUpdates = head.commands.map((c) => ({ ref: c.ref, oldId: c.oldId, newId: c.newId }));
    if (refs.length > 0) {
      const denied = await this.access.deniedReferences(principal, arn, refs, origin);
      audit.deniedRefs = denied;
      if (denied.length > 0) {
        Object.assign(audit, { errorCode: 'AccessDenied', errorMessage: `${principal.arn} may not update ${denied.join(', ')}` });
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
