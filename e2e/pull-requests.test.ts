import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  AssociateApprovalRuleTemplateWithRepositoryCommand,
  CodeCommitClient,
  CreateApprovalRuleTemplateCommand,
  CreatePullRequestApprovalRuleCommand,
  CreatePullRequestCommand,
  CreateRepositoryCommand,
  DeletePullRequestApprovalRuleCommand,
  DescribePullRequestEventsCommand,
  EvaluatePullRequestApprovalRulesCommand,
  GetBranchCommand,
  GetCommitCommand,
  GetCommentReactionsCommand,
  GetCommentsForPullRequestCommand,
  PostCommentForPullRequestCommand,
  PostCommentReplyCommand,
  PutCommentReactionCommand,
  UpdateCommentCommand,
  GetFileCommand,
  GetPullRequestApprovalStatesCommand,
  GetPullRequestCommand,
  GetPullRequestOverrideStateCommand,
  ListPullRequestsCommand,
  MergePullRequestByFastForwardCommand,
  MergePullRequestBySquashCommand,
  MergePullRequestByThreeWayCommand,
  OverridePullRequestApprovalRulesCommand,
  PullRequest,
  UpdatePullRequestApprovalRuleContentCommand,
  UpdatePullRequestApprovalStateCommand,
  UpdatePullRequestDescriptionCommand,
  UpdatePullRequestStatusCommand,
  UpdatePullRequestTitleCommand,
} from '@aws-sdk/client-codecommit';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createEventLog, type AnyEventEnvelope } from '@cairn/events';
import { git, Stack, type AdminCredentials } from './support/stack';
import { makeTempDir } from '@cairn/testing';

/**
 * Pull requests end to end: the AWS SDK and CLI against the running platform, branches moved by
 * real git pushes, approvals by real IAM users, merges checked with `git fetch`.
 */
describe('pull requests', () => {
  const stack = new Stack();
  const work = makeTempDir('cairn-prs-');
  let admin: AdminCredentials;
  let sdk: CodeCommitClient;
  let iam: IAMClient;
  const users: Record<string, { sdk: CodeCommitClient; arn: string }> = {};

  const approvalContent = (needed: number, pool?: string[]) =>
    JSON.stringify({ Version: '2018-11-08', Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: needed, ...(pool ? { ApprovalPoolMembers: pool } : {}) }] });

  beforeAll(async () => {
    await stack.start();
    admin = stack.credentials();
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    sdk = new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, credentials, maxAttempts: 1 });
    iam = new IAMClient({ endpoint: admin.endpoint, region: admin.region, credentials });
    for (const name of ['author', 'reviewer-a', 'reviewer-b', 'outsider']) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser' }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      users[name] = {
        sdk: new CodeCommitClient({ endpoint: admin.endpoint, region: admin.region, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } }),
        arn: `arn:aws:iam::${admin.accountId}:user/${name}`,
      };
    }
  }, 300_000);

  afterAll(async () => {
    for (const u of Object.values(users)) u.sdk.destroy();
    sdk?.destroy();
    iam?.destroy();
    await stack.stop();
  });

  /** A repository with `main` and a `feature` branch one commit ahead; returns the clone. */
  async function repositoryWithFeature(name: string, files: Record<string, string> = { 'feature.txt': 'feature\n' }): Promise<string> {
    await sdk.send(new CreateRepositoryCommand({ repositoryName: name }));
    const dir = join(work, name);
    git(['init', '-q', '-b', 'main', dir]);
    writeFileSync(join(dir, 'README.md'), `# ${name}\n`);
    commit(dir, 'base');
    git(['checkout', '-q', '-b', 'feature'], { cwd: dir });
    for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
    commit(dir, 'feature work');
    git(['push', '-q', stack.gitUrl(name), 'main', 'feature'], { cwd: dir });
    return dir;
  }

  function commit(dir: string, message: string): string {
    git(['add', '-A'], { cwd: dir });
    git(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', message], { cwd: dir });
    return git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
  }

  async function open(client: CodeCommitClient, repositoryName: string, extra: { clientRequestToken?: string; title?: string } = {}): Promise<PullRequest> {
    const out = await client.send(new CreatePullRequestCommand({ title: extra.title ?? 'Add feature', description: 'Please review', targets: [{ repositoryName, sourceReference: 'feature', destinationReference: 'main' }], clientRequestToken: extra.clientRequestToken }));
    return out.pullRequest!;
  }

  async function pullRequest(id: string): Promise<PullRequest> {
    return (await sdk.send(new GetPullRequestCommand({ pullRequestId: id }))).pullRequest!;
  }

  /** Pushes are seen through the reference event; this waits until the pull request reflects one. */
  async function eventually(id: string, check: (pr: PullRequest) => boolean, timeoutMs = 20_000): Promise<PullRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pr = await pullRequest(id);
      if (check(pr)) return pr;
      if (Date.now() > deadline) throw new Error(`pull request ${id} did not reach the expected state: ${JSON.stringify(pr)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('runs a full review: revisions, rules, approvals by pool members, merge, seen by git fetch', async () => {
    const dir = await repositoryWithFeature('review');
    const pr = await open(users.author.sdk, 'review');
    const id = pr.pullRequestId!;
    expect(pr).toMatchObject({ title: 'Add feature', description: 'Please review', pullRequestStatus: 'OPEN', authorArn: users.author.arn });
    const target = pr.pullRequestTargets![0];
    expect(target).toMatchObject({ repositoryName: 'review', sourceReference: 'refs/heads/feature', destinationReference: 'refs/heads/main', mergeMetadata: { isMerged: false } });
    expect(target.sourceCommit).toBe(git(['rev-parse', 'feature'], { cwd: dir }).trim());
    expect(target.mergeBase).toBe(git(['rev-parse', 'main'], { cwd: dir }).trim());

    // Two reviewers from the pool must approve.
    const pool = [`CodeCommitApprovers:${admin.accountId}:reviewer-*`];
    const rule = (await users.author.sdk.send(new CreatePullRequestApprovalRuleCommand({ pullRequestId: id, approvalRuleName: 'two-reviewers', approvalRuleContent: approvalContent(2, pool) }))).approvalRule!;
    expect(rule.ruleContentSha256).toMatch(/^[0-9a-f]{64}$/);

    // A new revision by push: approvals on the old one stop counting.
    const oldRevision = pr.revisionId!;
    await users['reviewer-a'].sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId: oldRevision, approvalState: 'APPROVE' }));
    writeFileSync(join(dir, 'feature.txt'), 'feature, revised\n');
    const revised = commit(dir, 'address review');
    git(['push', '-q', stack.gitUrl('review'), 'feature'], { cwd: dir });
    const moved = await eventually(id, (p) => p.pullRequestTargets![0].sourceCommit === revised);
    expect(moved.revisionId).not.toBe(oldRevision);
    const revision = moved.revisionId!;
    await expect(users['reviewer-b'].sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId: oldRevision, approvalState: 'APPROVE' }))).rejects.toMatchObject({ name: 'RevisionNotCurrentException' });
    expect((await sdk.send(new GetPullRequestApprovalStatesCommand({ pullRequestId: id, revisionId: revision }))).approvals).toEqual([]);

    // The author cannot approve; an outsider's approval is not in the pool.
    await expect(users.author.sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId: revision, approvalState: 'APPROVE' }))).rejects.toMatchObject({ name: 'PullRequestCannotBeApprovedByAuthorException' });
    await users.outsider.sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId: revision, approvalState: 'APPROVE' }));
    await users['reviewer-a'].sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId: revision, approvalState: 'APPROVE' }));
    let evaluation = (await sdk.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId: id, revisionId: revision }))).evaluation!;
    expect(evaluation).toMatchObject({ approved: false, overridden: false, approvalRulesNotSatisfied: ['two-reviewers'] });
    await expect(users.author.sdk.send(new MergePullRequestByThreeWayCommand({ pullRequestId: id, repositoryName: 'review' }))).rejects.toMatchObject({ name: 'PullRequestApprovalRulesNotSatisfiedException' });

    await users['reviewer-b'].sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: id, revisionId: revision, approvalState: 'APPROVE' }));
    evaluation = (await sdk.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId: id, revisionId: revision }))).evaluation!;
    expect(evaluation).toMatchObject({ approved: true, approvalRulesSatisfied: ['two-reviewers'] });
    const states = (await sdk.send(new GetPullRequestApprovalStatesCommand({ pullRequestId: id, revisionId: revision }))).approvals!;
    expect(states.map((s) => s.userArn).sort()).toEqual([users.outsider.arn, users['reviewer-a'].arn, users['reviewer-b'].arn].sort());

    // A stale sourceCommitId is refused; the right one merges.
    await expect(users.author.sdk.send(new MergePullRequestByThreeWayCommand({ pullRequestId: id, repositoryName: 'review', sourceCommitId: target.sourceCommit }))).rejects.toMatchObject({ name: 'TipOfSourceReferenceIsDifferentException' });
    const merged = (await users.author.sdk.send(new MergePullRequestByThreeWayCommand({ pullRequestId: id, repositoryName: 'review', sourceCommitId: revised }))).pullRequest!;
    expect(merged.pullRequestStatus).toBe('CLOSED');
    const meta = merged.pullRequestTargets![0].mergeMetadata!;
    expect(meta).toMatchObject({ isMerged: true, mergedBy: users.author.arn, mergeOption: 'THREE_WAY_MERGE' });
    const mainTip = (await sdk.send(new GetBranchCommand({ repositoryName: 'review', branchName: 'main' }))).branch!.commitId!;
    expect(meta.mergeCommitId).toBe(mainTip);
    expect((await sdk.send(new GetCommitCommand({ repositoryName: 'review', commitId: mainTip }))).commit!.parents).toHaveLength(2);

    git(['fetch', '-q', stack.gitUrl('review'), 'main'], { cwd: dir });
    expect(git(['rev-parse', 'FETCH_HEAD'], { cwd: dir }).trim()).toBe(mainTip);
    expect(git(['show', 'FETCH_HEAD:feature.txt'], { cwd: dir })).toBe('feature, revised\n');

    const events = (await sdk.send(new DescribePullRequestEventsCommand({ pullRequestId: id }))).pullRequestEvents!.map((e) => e.pullRequestEventType);
    expect(events).toEqual(
      expect.arrayContaining(['PULL_REQUEST_CREATED', 'PULL_REQUEST_APPROVAL_RULE_CREATED', 'PULL_REQUEST_SOURCE_REFERENCE_UPDATED', 'PULL_REQUEST_APPROVAL_STATE_CHANGED', 'PULL_REQUEST_MERGE_STATE_CHANGED', 'PULL_REQUEST_STATUS_CHANGED']),
    );
    expect(events[0]).toBe('PULL_REQUEST_CREATED');
  });

  it('merges by fast-forward and by squash, and refuses what is closed', async () => {
    await repositoryWithFeature('ff');
    const ff = await open(sdk, 'ff');
    const out = (await sdk.send(new MergePullRequestByFastForwardCommand({ pullRequestId: ff.pullRequestId, repositoryName: 'ff' }))).pullRequest!;
    expect(out.pullRequestTargets![0].mergeMetadata).toMatchObject({ isMerged: true, mergeOption: 'FAST_FORWARD_MERGE', mergeCommitId: ff.pullRequestTargets![0].sourceCommit });
    await expect(sdk.send(new MergePullRequestByFastForwardCommand({ pullRequestId: ff.pullRequestId, repositoryName: 'ff' }))).rejects.toMatchObject({ name: 'PullRequestAlreadyClosedException' });

    const dir = await repositoryWithFeature('squash', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    git(['checkout', '-q', 'main'], { cwd: dir });
    writeFileSync(join(dir, 'main.txt'), 'main moved\n');
    commit(dir, 'main moves');
    git(['push', '-q', stack.gitUrl('squash'), 'main'], { cwd: dir });
    const sq = await open(sdk, 'squash');
    await expect(sdk.send(new MergePullRequestByFastForwardCommand({ pullRequestId: sq.pullRequestId, repositoryName: 'squash' }))).rejects.toMatchObject({ name: 'ManualMergeRequiredException' });
    const squashed = (await sdk.send(new MergePullRequestBySquashCommand({ pullRequestId: sq.pullRequestId, repositoryName: 'squash', commitMessage: 'Squashed feature', authorName: 'Rev', email: 'rev@example.com' }))).pullRequest!;
    const commitId = squashed.pullRequestTargets![0].mergeMetadata!.mergeCommitId!;
    const squashCommit = (await sdk.send(new GetCommitCommand({ repositoryName: 'squash', commitId }))).commit!;
    expect(squashCommit.parents).toHaveLength(1);
    expect(squashCommit.message).toBe('Squashed feature\n');
    expect(squashCommit.author).toMatchObject({ name: 'Rev', email: 'rev@example.com' });
    const file = await sdk.send(new GetFileCommand({ repositoryName: 'squash', filePath: 'b.txt', commitSpecifier: 'main' }));
    expect(Buffer.from(file.fileContent!).toString()).toBe('b\n');
  });

  it('detects a pull request merged by git push, and closes it', async () => {
    const dir = await repositoryWithFeature('pushed');
    const pr = await open(sdk, 'pushed');
    git(['checkout', '-q', 'main'], { cwd: dir });
    git(['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'merge', '-q', '--no-ff', '-m', 'merge by hand', 'feature'], { cwd: dir });
    const mergeCommit = git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
    git(['push', '-q', stack.gitUrl('pushed'), 'main'], { cwd: dir });
    const closed = await eventually(pr.pullRequestId!, (p) => p.pullRequestStatus === 'CLOSED');
    expect(closed.pullRequestTargets![0].mergeMetadata).toMatchObject({ isMerged: true, mergeCommitId: mergeCommit, mergedBy: admin.userArn });
  });

  it('keeps rules, overrides and edits to the rules of the pull request', async () => {
    await repositoryWithFeature('rules');
    const pr = await open(users.author.sdk, 'rules');
    const id = pr.pullRequestId!;
    const created = (await sdk.send(new CreatePullRequestApprovalRuleCommand({ pullRequestId: id, approvalRuleName: 'one', approvalRuleContent: approvalContent(1) }))).approvalRule!;
    await expect(sdk.send(new CreatePullRequestApprovalRuleCommand({ pullRequestId: id, approvalRuleName: 'one', approvalRuleContent: approvalContent(1) }))).rejects.toMatchObject({ name: 'ApprovalRuleNameAlreadyExistsException' });
    await expect(sdk.send(new CreatePullRequestApprovalRuleCommand({ pullRequestId: id, approvalRuleName: 'bad', approvalRuleContent: '{"Version":"2018-11-08"}' }))).rejects.toMatchObject({ name: 'InvalidApprovalRuleContentException' });
    await expect(sdk.send(new UpdatePullRequestApprovalRuleContentCommand({ pullRequestId: id, approvalRuleName: 'one', existingRuleContentSha256: 'f'.repeat(64), newRuleContent: approvalContent(3) }))).rejects.toMatchObject({ name: 'InvalidRuleContentSha256Exception' });
    const updated = (await sdk.send(new UpdatePullRequestApprovalRuleContentCommand({ pullRequestId: id, approvalRuleName: 'one', existingRuleContentSha256: created.ruleContentSha256, newRuleContent: approvalContent(3) }))).approvalRule!;
    expect(updated.approvalRuleContent).toBe(approvalContent(3));

    await expect(users.author.sdk.send(new MergePullRequestByFastForwardCommand({ pullRequestId: id, repositoryName: 'rules' }))).rejects.toMatchObject({ name: 'PullRequestApprovalRulesNotSatisfiedException' });
    await sdk.send(new OverridePullRequestApprovalRulesCommand({ pullRequestId: id, revisionId: pr.revisionId, overrideStatus: 'OVERRIDE' }));
    await expect(sdk.send(new OverridePullRequestApprovalRulesCommand({ pullRequestId: id, revisionId: pr.revisionId, overrideStatus: 'OVERRIDE' }))).rejects.toMatchObject({ name: 'OverrideAlreadySetException' });
    expect(await sdk.send(new GetPullRequestOverrideStateCommand({ pullRequestId: id, revisionId: pr.revisionId }))).toMatchObject({ overridden: true, overrider: admin.userArn });
    await sdk.send(new OverridePullRequestApprovalRulesCommand({ pullRequestId: id, revisionId: pr.revisionId, overrideStatus: 'REVOKE' }));
    expect((await sdk.send(new GetPullRequestOverrideStateCommand({ pullRequestId: id, revisionId: pr.revisionId }))).overridden).toBe(false);

    expect((await sdk.send(new DeletePullRequestApprovalRuleCommand({ pullRequestId: id, approvalRuleName: 'one' }))).approvalRuleId).toBe(created.approvalRuleId);
    expect((await sdk.send(new EvaluatePullRequestApprovalRulesCommand({ pullRequestId: id, revisionId: pr.revisionId }))).evaluation).toMatchObject({ approved: true });
  });

  it('answers CreatePullRequest idempotently, lists, edits and closes', async () => {
    await repositoryWithFeature('listing');
    const first = await open(sdk, 'listing', { clientRequestToken: 'token-1' });
    const again = await open(sdk, 'listing', { clientRequestToken: 'token-1' });
    expect(again.pullRequestId).toBe(first.pullRequestId);
    await expect(open(sdk, 'listing', { clientRequestToken: 'token-1', title: 'Different' })).rejects.toMatchObject({ name: 'IdempotencyParameterMismatchException' });
    const second = await open(users.author.sdk, 'listing');

    const all = (await sdk.send(new ListPullRequestsCommand({ repositoryName: 'listing' }))).pullRequestIds;
    expect(all).toEqual([second.pullRequestId, first.pullRequestId]);
    const byAuthor = (await sdk.send(new ListPullRequestsCommand({ repositoryName: 'listing', authorArn: users.author.arn }))).pullRequestIds;
    expect(byAuthor).toEqual([second.pullRequestId]);
    const page = await sdk.send(new ListPullRequestsCommand({ repositoryName: 'listing', maxResults: 1 }));
    expect(page.pullRequestIds).toEqual([second.pullRequestId]);
    expect((await sdk.send(new ListPullRequestsCommand({ repositoryName: 'listing', maxResults: 1, nextToken: page.nextToken }))).pullRequestIds).toEqual([first.pullRequestId]);

    expect((await sdk.send(new UpdatePullRequestTitleCommand({ pullRequestId: first.pullRequestId, title: 'New title' }))).pullRequest!.title).toBe('New title');
    expect((await sdk.send(new UpdatePullRequestDescriptionCommand({ pullRequestId: first.pullRequestId, description: 'New words' }))).pullRequest!.description).toBe('New words');
    expect((await sdk.send(new UpdatePullRequestStatusCommand({ pullRequestId: first.pullRequestId, pullRequestStatus: 'CLOSED' }))).pullRequest!.pullRequestStatus).toBe('CLOSED');
    await expect(sdk.send(new UpdatePullRequestStatusCommand({ pullRequestId: first.pullRequestId, pullRequestStatus: 'OPEN' }))).rejects.toMatchObject({ name: 'InvalidPullRequestStatusUpdateException' });
    await expect(sdk.send(new UpdatePullRequestTitleCommand({ pullRequestId: first.pullRequestId, title: 'x' }))).rejects.toMatchObject({ name: 'PullRequestAlreadyClosedException' });
    expect((await sdk.send(new ListPullRequestsCommand({ repositoryName: 'listing', pullRequestStatus: 'OPEN' }))).pullRequestIds).toEqual([second.pullRequestId]);
  });

  it('refuses bad pull requests with the modelled errors', async () => {
    await repositoryWithFeature('errors');
    const create = (targets: { repositoryName: string; sourceReference: string; destinationReference?: string }[], title = 't') => sdk.send(new CreatePullRequestCommand({ title, targets }));
    await expect(create([{ repositoryName: 'errors', sourceReference: 'main', destinationReference: 'main' }])).rejects.toMatchObject({ name: 'SourceAndDestinationAreSameException' });
    await expect(create([{ repositoryName: 'errors', sourceReference: 'nope' }])).rejects.toMatchObject({ name: 'ReferenceDoesNotExistException' });
    await expect(create([{ repositoryName: 'errors', sourceReference: 'refs/tags/v1' }])).rejects.toMatchObject({ name: 'ReferenceTypeNotSupportedException' });
    await expect(create([{ repositoryName: 'missing', sourceReference: 'feature' }])).rejects.toMatchObject({ name: 'RepositoryDoesNotExistException' });
    await expect(create([])).rejects.toMatchObject({ name: 'TargetsRequiredException' });
    await expect(create([{ repositoryName: 'errors', sourceReference: 'feature' }], 'x'.repeat(151))).rejects.toMatchObject({ name: 'InvalidTitleException' });
    await expect(sdk.send(new GetPullRequestCommand({ pullRequestId: 'abc' }))).rejects.toMatchObject({ name: 'InvalidPullRequestIdException' });
    await expect(sdk.send(new GetPullRequestCommand({ pullRequestId: '99999' }))).rejects.toMatchObject({ name: 'PullRequestDoesNotExistException' });
    const pr = await open(sdk, 'errors');
    await expect(sdk.send(new MergePullRequestByThreeWayCommand({ pullRequestId: pr.pullRequestId, repositoryName: 'review' }))).rejects.toMatchObject({ name: 'RepositoryNotAssociatedWithPullRequestException' });
  });

  it('denies a merge into a protected branch by IAM, and answers the AWS CLI', async () => {
    await repositoryWithFeature('protected');
    const pr = await open(sdk, 'protected');
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'outsider',
        PolicyName: 'protect-main',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: ['codecommit:MergePullRequestBy*'], Resource: '*', Condition: { StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] } } }],
        }),
      }),
    );
    await expect(users.outsider.sdk.send(new MergePullRequestByThreeWayCommand({ pullRequestId: pr.pullRequestId, repositoryName: 'protected' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });

    const cli = (...args: string[]) =>
      JSON.parse(
        execFileSync(process.env.CAIRN_TEST_AWS_CLI ?? 'aws', ['codecommit', ...args, '--endpoint-url', admin.endpoint, '--output', 'json'], {
          env: { ...process.env, AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_DEFAULT_REGION: admin.region },
        }).toString(),
      ) as Record<string, unknown>;
    const got = cli('get-pull-request', '--pull-request-id', pr.pullRequestId!) as { pullRequest: PullRequest };
    expect(got.pullRequest.title).toBe('Add feature');
    const merged = cli('merge-pull-request-by-three-way', '--pull-request-id', pr.pullRequestId!, '--repository-name', 'protected') as { pullRequest: PullRequest };
    expect(merged.pullRequest.pullRequestTargets![0].mergeMetadata!.isMerged).toBe(true);
  });
  it('publishes each change as an event shaped like CodeCommit\'s EventBridge detail', async () => {
    const eventsDb = stack.services().find((s) => s.name === 'db-events') as unknown as { port: number };
    const log = createEventLog(`postgres://postgres@127.0.0.1:${eventsDb.port}/postgres`);
    const seen: AnyEventEnvelope[] = [];
    const subscription = await log.subscribe('e2e-pr-events', async (e) => void seen.push(e), { fromBeginning: true });
    try {
      await repositoryWithFeature('evented-pr');
      const pr = await open(users.author.sdk, 'evented-pr');
      await sdk.send(new CreatePullRequestApprovalRuleCommand({ pullRequestId: pr.pullRequestId, approvalRuleName: 'any', approvalRuleContent: approvalContent(1) }));
      await users['reviewer-a'].sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: pr.pullRequestId, revisionId: pr.revisionId, approvalState: 'APPROVE' }));
      await sdk.send(new MergePullRequestBySquashCommand({ pullRequestId: pr.pullRequestId, repositoryName: 'evented-pr' }));
      const mine = () => seen.filter((e) => e.type === 'pull-request.changed' && e.payload.detail.pullRequestId === pr.pullRequestId);
      const expected = ['pullRequestCreated', 'pullRequestApprovalRuleCreated', 'pullRequestApprovalStateChanged', 'pullRequestMergeStatusUpdated', 'pullRequestStatusChanged'];
      const deadline = Date.now() + 20_000;
      while (mine().length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const events = mine().map((e) => (e.type === 'pull-request.changed' ? e.payload : undefined)!);
      expect(events.map((e) => e.detail.event)).toEqual(expected);
      expect(events[0]).toMatchObject({
        detailType: 'CodeCommit Pull Request State Change',
        accountId: admin.accountId,
        detail: { repositoryNames: ['evented-pr'], author: users.author.arn, callerUserArn: users.author.arn, pullRequestStatus: 'Open', isMerged: 'False', sourceReference: 'refs/heads/feature', destinationReference: 'refs/heads/main', revisionId: pr.revisionId },
      });
      expect(events[2].detail).toMatchObject({ approvalStatus: 'APPROVE', callerUserArn: users['reviewer-a'].arn });
      expect(events[3].detail).toMatchObject({ isMerged: 'True', pullRequestStatus: 'Closed', callerUserArn: admin.userArn });
    } finally {
      await subscription.stop();
      await log.close();
    }
  });
  it('comments on a line of a pull request, with replies, reactions and edits only by the author', async () => {
    await repositoryWithFeature('commented', { 'code.ts': 'const a = 1;\nconst b = 2;\n' });
    const pr = await open(users.author.sdk, 'commented');
    const target = pr.pullRequestTargets![0];
    const posted = await users['reviewer-a'].sdk.send(
      new PostCommentForPullRequestCommand({
        pullRequestId: pr.pullRequestId,
        repositoryName: 'commented',
        beforeCommitId: target.destinationCommit,
        afterCommitId: target.sourceCommit,
        location: { filePath: 'code.ts', filePosition: 2, relativeFileVersion: 'AFTER' },
        content: 'Should b be 3?',
        clientRequestToken: 'comment-1',
      }),
    );
    const comment = posted.comment!;
    expect(posted.afterBlobId).toMatch(/^[0-9a-f]{40}$/);
    expect(comment).toMatchObject({ content: 'Should b be 3?', authorArn: users['reviewer-a'].arn, deleted: false });
    await expect(
      users['reviewer-a'].sdk.send(new PostCommentForPullRequestCommand({ pullRequestId: pr.pullRequestId, repositoryName: 'commented', beforeCommitId: target.destinationCommit, afterCommitId: target.sourceCommit, location: { filePath: 'code.ts', filePosition: 99, relativeFileVersion: 'AFTER' }, content: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidFilePositionException' });

    const reply = (await users.author.sdk.send(new PostCommentReplyCommand({ inReplyTo: comment.commentId, content: 'Yes, fixing.' }))).comment!;
    expect(reply.inReplyTo).toBe(comment.commentId);
    await users.author.sdk.send(new PutCommentReactionCommand({ commentId: comment.commentId, reactionValue: ':thumbsup:' }));
    const reactions = (await sdk.send(new GetCommentReactionsCommand({ commentId: comment.commentId }))).reactionsForComment!;
    expect(reactions[0].reactionUsers).toEqual([users.author.arn]);
    await expect(users.author.sdk.send(new UpdateCommentCommand({ commentId: comment.commentId, content: 'edited' }))).rejects.toMatchObject({ name: 'CommentNotCreatedByCallerException' });
    expect((await users['reviewer-a'].sdk.send(new UpdateCommentCommand({ commentId: comment.commentId, content: 'Should b be 3? (edited)' }))).comment!.content).toBe('Should b be 3? (edited)');

    const threads = (await sdk.send(new GetCommentsForPullRequestCommand({ pullRequestId: pr.pullRequestId }))).commentsForPullRequestData!;
    expect(threads).toHaveLength(1);
    expect(threads[0].location).toMatchObject({ filePath: 'code.ts', filePosition: 2, relativeFileVersion: 'AFTER' });
    expect(threads[0].comments!.map((c) => c.content)).toEqual(['Should b be 3? (edited)', 'Yes, fixing.']);
  });
  it('applies an associated template to new pull requests whose destination matches, and blocks the merge until approved', async () => {
    const dir = await repositoryWithFeature('templated');
    git(['push', '-q', stack.gitUrl('templated'), 'main:release'], { cwd: dir });
    const content = JSON.stringify({
      Version: '2018-11-08',
      DestinationReferences: ['refs/heads/main'],
      Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1, ApprovalPoolMembers: [`CodeCommitApprovers:${admin.accountId}:reviewer-*`] }],
    });
    const template = (await sdk.send(new CreateApprovalRuleTemplateCommand({ approvalRuleTemplateName: 'main-needs-review', approvalRuleTemplateContent: content, approvalRuleTemplateDescription: 'One reviewer for main' }))).approvalRuleTemplate!;
    await sdk.send(new AssociateApprovalRuleTemplateWithRepositoryCommand({ approvalRuleTemplateName: 'main-needs-review', repositoryName: 'templated' }));

    const pr = await open(users.author.sdk, 'templated');
    expect(pr.approvalRules).toEqual([
      expect.objectContaining({ approvalRuleName: 'main-needs-review', approvalRuleContent: content, originApprovalRuleTemplate: { approvalRuleTemplateId: template.approvalRuleTemplateId, approvalRuleTemplateName: 'main-needs-review' } }),
    ]);
    await expect(sdk.send(new DeletePullRequestApprovalRuleCommand({ pullRequestId: pr.pullRequestId, approvalRuleName: 'main-needs-review' }))).rejects.toMatchObject({ name: 'CannotDeleteApprovalRuleFromTemplateException' });
    await expect(users.author.sdk.send(new MergePullRequestBySquashCommand({ pullRequestId: pr.pullRequestId, repositoryName: 'templated' }))).rejects.toMatchObject({ name: 'PullRequestApprovalRulesNotSatisfiedException' });
    await users['reviewer-b'].sdk.send(new UpdatePullRequestApprovalStateCommand({ pullRequestId: pr.pullRequestId, revisionId: pr.revisionId, approvalState: 'APPROVE' }));
    const merged = (await users.author.sdk.send(new MergePullRequestBySquashCommand({ pullRequestId: pr.pullRequestId, repositoryName: 'templated' }))).pullRequest!;
    expect(merged.pullRequestTargets![0].mergeMetadata).toMatchObject({ isMerged: true, mergeOption: 'SQUASH_MERGE' });

    const toRelease = (await users.author.sdk.send(new CreatePullRequestCommand({ title: 'to release', targets: [{ repositoryName: 'templated', sourceReference: 'feature', destinationReference: 'release' }] }))).pullRequest!;
    expect(toRelease.approvalRules).toEqual([]);
  });
});
