import { Injectable } from '@nestjs/common';
import { GrpcStatus, RpcError, storage } from '@cairn/contracts';
import { isValidRefName, runGit, runGitChecked } from '@cairn/git';
import { RepositoryStore } from '../repositories/repository-store';
import { RefJournal } from '../ref-journal/ref-journal';

const OBJECT_ID = /^[0-9a-f]{40}$/;

/**
 * Reference changes made through the API (branches now, commits and merges later). They take the
 * same path as a push: git applies them in one transaction, its reference-transaction hook
 * records what committed, and the journal turns that into the event.
 */
@Injectable()
export class RefUpdater {
  constructor(
    private readonly repositories: RepositoryStore,
    private readonly journal: RefJournal,
  ) {}

  async update(request: storage.UpdateRefsRequest): Promise<storage.RefUpdate[]> {
    const dir = await this.repositories.require(request.repositoryId);
    if (request.updates.length === 0) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'NoUpdates', 'no reference updates given');
    for (const u of request.updates) {
      if (!isValidRefName(u.ref) || !OBJECT_ID.test(u.oldId) || !OBJECT_ID.test(u.newId)) {
        throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidRefUpdate', `invalid reference update for ${JSON.stringify(u.ref)}`);
      }
    }
    const context = request.context;
    const push = await this.journal.beginPush({
      repositoryId: request.repositoryId,
      repositoryName: context?.repositoryName ?? '',
      accountId: context?.accountId ?? '',
      actorArn: context?.actorArn ?? '',
    });
    // One transaction: `update <ref> <new> <old>` checks the old value (zeros: must not exist).
    const script = request.updates.map((u) => `update ${u.ref} ${u.newId} ${u.oldId}\n`).join('');
    let result;
    try {
      result = await runGit({ gitDir: dir, subcommand: 'update-ref', flags: ['--stdin'], env: { CAIRN_REF_LOG: push.refLogPath } }, { stdin: script, timeoutMs: 60_000 });
    } finally {
      await this.journal.finishPush(push.pushId);
    }
    if (result.exitCode !== 0) throw refUpdateError(result.stderr);
    return request.updates;
  }

  async setHead(repositoryId: string, target: string): Promise<void> {
    const dir = await this.repositories.require(repositoryId);
    if (!target.startsWith('refs/heads/') || !isValidRefName(target)) throw new RpcError(GrpcStatus.INVALID_ARGUMENT, 'InvalidBranchName', `invalid HEAD target ${JSON.stringify(target)}`);
    await runGitChecked({ gitDir: dir, subcommand: 'symbolic-ref', args: ['HEAD', target] }, { timeoutMs: 10_000 });
  }

  async resolve(repositoryId: string, revision: string): Promise<storage.ResolveObjectResponse> {
    const dir = await this.repositories.require(repositoryId);
    if (!OBJECT_ID.test(revision) && !isValidRefName(revision)) return { id: '', type: '' };
    // The revision goes in on stdin, where git can never read it as an option.
    const out = await runGitChecked({ gitDir: dir, subcommand: 'cat-file', flags: ['--batch-check'] }, { stdin: `${revision}\n`, timeoutMs: 10_000 });
    const match = /^([0-9a-f]{40}) (\w+) \d+$/.exec(out.toString('utf8').trim());
    return match ? { id: match[1], type: match[2] } : { id: '', type: '' };
  }
}

function refUpdateError(stderr: string): RpcError {
  if (/nonexistent object|not a valid|does not point to a valid object/i.test(stderr)) return new RpcError(GrpcStatus.NOT_FOUND, 'ObjectDoesNotExist', stderr.trim());
  if (/cannot lock ref|reference already exists|is at .* but expected|unable to resolve reference|expected/i.test(stderr)) {
    return new RpcError(GrpcStatus.FAILED_PRECONDITION, 'RefConflict', stderr.trim());
  }
  return new RpcError(GrpcStatus.INTERNAL, 'RefUpdateFailed', stderr.trim());
}

