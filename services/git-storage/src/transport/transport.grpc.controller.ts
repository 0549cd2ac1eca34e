import { Injectable } from '@nestjs/common';
import type { ServerDuplexStream, ServerWritableStream } from '@grpc/grpc-js';
import { GrpcStatus, RpcError, storage } from '@cairn/contracts';
import { GitProcess, isValidGitProtocol, spawnGit } from '@cairn/git';
import { Logger } from '@cairn/runtime';
import { RepositoryStore } from '../repositories/repository-store';
import { RefJournal } from '../ref-journal/ref-journal';
import { firstMessage, killOnCancel, pumpCallToStdin, pumpStdoutToCall } from './pump';
import { CapabilityAdvertisements } from './capability-cache';

/** No byte in either direction for this long means the peer is gone. Never a total limit. */
const IDLE_TIMEOUT_MS = 10 * 60_000;

/**
 * The smart protocol, served by git itself: `upload-pack` / `receive-pack --stateless-rpc` for
 * smart HTTP, or full-duplex (no `--stateless-rpc`: git advertises first, then converses until
 * the client closes) for SSH, as the header's `fullDuplex` says.
 * This service only moves bytes between the gRPC stream and git, with backpressure both ways.
 */
@Injectable()
export class TransportGrpcController {
  private readonly logger = new Logger('git-storage');
  private readonly capabilities = new CapabilityAdvertisements();

  constructor(
    private readonly repositories: RepositoryStore,
    private readonly journal: RefJournal,
  ) {}

  async infoRefs(call: ServerWritableStream<storage.InfoRefsRequest, storage.InfoRefsResponse>): Promise<void> {
    try {
      const { repositoryId, service, gitProtocol } = call.request;
      const dir = await this.repositories.require(repositoryId);
      const env = protocolEnv(gitProtocol);
      const advertisement = serviceName(service) === 'upload-pack' ? await this.capabilities.forUploadPack(dir, gitProtocol) : undefined;
      if (advertisement) {
        call.write({ data: advertisement });
        call.end();
        return;
      }
      const git = spawnGit(
        { subcommand: serviceName(service), flags: ['--stateless-rpc', '--advertise-refs'], args: [dir], env },
        { idleTimeoutMs: IDLE_TIMEOUT_MS },
      );
      killOnCancel(call, git);
      git.stdin.end();
      await pumpStdoutToCall(git.stdout, call, (data) => ({ data }));
      await this.finish(call, git);
    } catch (error) {
      this.fail(call, error);
    }
  }

  async uploadPack(call: ServerDuplexStream<storage.UploadPackRequest, storage.UploadPackResponse>): Promise<void> {
    try {
      const header = (await firstMessage(call)).header;
      if (!header) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'MissingHeader', 'the first message must carry the header');
      const dir = await this.repositories.require(header.repositoryId);
      const git = spawnGit(
        { subcommand: 'upload-pack', flags: transportFlags(header), args: [dir], env: protocolEnv(header.gitProtocol) },
        { idleTimeoutMs: IDLE_TIMEOUT_MS },
      );
      killOnCancel(call, git);
      pumpCallToStdin(call, git.stdin, (m) => m.data as Buffer);
      await pumpStdoutToCall(git.stdout, call, (data) => ({ data }));
      await this.finish(call, git);
    } catch (error) {
      this.fail(call, error);
    }
  }

  async receivePack(call: ServerDuplexStream<storage.ReceivePackRequest, storage.ReceivePackResponse>): Promise<void> {
    try {
      const header = (await firstMessage(call)).header;
      if (!header) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'MissingHeader', 'the first message must carry the header');
      const dir = await this.repositories.require(header.repositoryId);
      const push = await this.journal.beginPush({
        repositoryId: header.repositoryId,
        repositoryName: header.repositoryName,
        accountId: header.accountId,
        actorArn: header.actorArn,
      });
      let git: GitProcess | undefined;
      try {
        git = spawnGit(
          {
            subcommand: 'receive-pack',
            flags: transportFlags(header),
            args: [dir],
            env: { ...protocolEnv(header.gitProtocol), CAIRN_REF_LOG: push.refLogPath },
          },
          { idleTimeoutMs: IDLE_TIMEOUT_MS },
        );
        // Full duplex, git advertises before it reads: its output needs a reader before anything
        // is awaited (spawnGit's idle watch already makes stdout flow, so bytes would be lost).
        const output = pumpStdoutToCall(git.stdout, call, (data) => ({ data, committed: [] }));
        output.catch(() => undefined);
        // Before git reads a byte: should this process die, the next one knows to wait for git.
        await this.journal.attachProcess(push.pushId, git.child.pid, dir);
        killOnCancel(call, git);
        pumpCallToStdin(call, git.stdin, (m) => m.data as Buffer);
        await output;
        await git.wait();
      } finally {
        // Whatever happened to the client or to git, what git committed is journalled, once
        // git can commit no more.
        if (git) {
          git.kill();
          await git.wait();
        }
        const committed = await this.journal.finishPush(push.pushId);
        if (!call.cancelled) call.write({ data: Buffer.alloc(0), committed });
      }
      await this.finish(call, git!);
    } catch (error) {
      this.fail(call, error);
    }
  }

  private async finish(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, git: GitProcess): Promise<void> {
    const code = await git.wait();
    if (call.cancelled) return;
    if (code !== 0) {
      // git already told the client what went wrong inside the protocol where it could;
      // the status tells our caller the exchange did not complete.
      call.emit('error', new RpcError(GrpcStatus.ABORTED, 'GitFailed', `${git.description} exited with ${code}: ${git.stderr.trim().slice(0, 500)}`));
      return;
    }
    call.end();
  }

  /** grpc-js turns an 'error' event into the call's status, after flushing queued messages. */
  private fail(call: { cancelled: boolean; emit(e: 'error', err: Error): boolean }, error: unknown): void {
    if (call.cancelled) return;
    if (!(error instanceof RpcError)) this.logger.error('transport failure', { error });
    const rpc = error instanceof RpcError ? error : new RpcError(GrpcStatus.INTERNAL, 'InternalError', (error as Error).message);
    call.emit('error', rpc);
  }
}

function serviceName(service: storage.GitService): 'upload-pack' | 'receive-pack' {
  if (service === storage.GitService.GIT_SERVICE_UPLOAD_PACK) return 'upload-pack';
  if (service === storage.GitService.GIT_SERVICE_RECEIVE_PACK) return 'receive-pack';
  throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidService', 'unknown git service');
}

/** Smart HTTP is one request and one response per round; SSH keeps git running for the whole conversation. */
function transportFlags(header: { fullDuplex: boolean }): string[] {
  return header.fullDuplex ? [] : ['--stateless-rpc'];
}

function protocolEnv(gitProtocol: string): Record<string, string> {
  if (!gitProtocol) return {};
  if (!isValidGitProtocol(gitProtocol)) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidGitProtocol', 'invalid Git-Protocol value');
  return { GIT_PROTOCOL: gitProtocol };
}
