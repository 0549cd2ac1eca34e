import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  CodeCommitClient,
  CreatePullRequestCommand,
  CreateRepositoryCommand,
  GetRepositoryCommand,
  MergePullRequestByFastForwardCommand,
  UpdatePullRequestStatusCommand,
} from '@aws-sdk/client-codecommit';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { commitAll, initSource } from './support/fixtures';
import { git, Stack } from './support/stack';
import { makeTempDir } from '@cairn/testing';

/** One sample of a Prometheus exposition: `name{labels} value`, labels as written. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/**
 * Prometheus metrics as an operator scrapes them from the running platform: request metrics on
 * every service, and platform metrics the metrics service derives from events (pushes, pulls,
 * bytes, pull requests, denials), kept across a restart.
 */
describe('metrics', () => {
  const stack = new Stack();
  const work = makeTempDir('cairn-metrics-');
  let sdk: CodeCommitClient;

  const scrape = (service: string): Promise<string> => {
    const entry = stack.services().find((s) => s.name === service);
    if (!entry) throw new Error(`no ${service} in services.json`);
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port: entry.metricsPort, path: '/metrics' }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
  };

  /** Scrapes until every expectation holds (events are handled asynchronously), at most 15 s. */
  async function eventually(service: string, expected: [string, Record<string, string>, number][]): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const text = await scrape(service);
      const wrong = expected.filter(([name, labels, value]) => sample(text, name, labels) !== value);
      if (wrong.length === 0) return text;
      if (Date.now() > deadline) {
        throw new Error(`after 15 s, ${service} /metrics does not show: ${wrong.map(([n, l, v]) => `${n}${JSON.stringify(l)} = ${v} (got ${sample(text, n, l)})`).join('; ')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    await stack.start();
    const c = stack.credentials();
    sdk = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
    await sdk.send(new CreateRepositoryCommand({ repositoryName: 'observed' }));
  }, 240_000);

  afterAll(async () => {
    sdk?.destroy();
    await stack.stop();
  });

  /** Three pushes of one ref each, one clone, two pull requests (one merged, one closed), one denial. */
  const PLATFORM: [string, Record<string, string>, number][] = [
    ['cairn_repository_pushes_total', { repository: 'observed' }, 3],
    ['cairn_repository_pushed_refs_total', { repository: 'observed' }, 3],
    ['cairn_repository_pulls_total', { repository: 'observed' }, 1],
    // The merge moved main through the API: a reference update that was not a push.
    ['cairn_repository_reference_updates_total', { repository: 'observed' }, 4],
    // first, feature and other; the fast-forward merge added none.
    ['cairn_repository_commits_total', { repository: 'observed' }, 3],
    ['cairn_pull_requests_created_total', { repository: 'observed' }, 2],
    ['cairn_pull_requests_merged_total', { repository: 'observed' }, 1],
    ['cairn_pull_requests_closed_total', { repository: 'observed' }, 1],
    ['cairn_pull_requests_open', { repository: 'observed' }, 0],
    ['cairn_access_denied_total', { event_source: 'codecommit.amazonaws.com', event_name: 'GetRepository' }, 1],
    ['cairn_repositories', {}, 1],
  ];

  it('shows pushes, pulls, pull requests and denials, derived from events', async () => {
    const src = initSource(join(work, 'src'));
    commitAll(src, 'first', (d) => writeFileSync(join(d, 'README'), 'hello\n'));
    git(['push', '-q', stack.gitUrl('observed'), 'main'], { cwd: src });
    git(['checkout', '-q', '-b', 'feature'], { cwd: src });
    commitAll(src, 'feature', (d) => writeFileSync(join(d, 'feature.txt'), 'f\n'));
    git(['push', '-q', stack.gitUrl('observed'), 'feature'], { cwd: src });
    git(['checkout', '-q', '-b', 'other', 'main'], { cwd: src });
    commitAll(src, 'other', (d) => writeFileSync(join(d, 'other.txt'), 'o\n'));
    git(['push', '-q', stack.gitUrl('observed'), 'other'], { cwd: src });
    git(['clone', '-q', stack.gitUrl('observed'), join(work, 'clone')]);

    const toMain = (sourceReference: string) => [{ repositoryName: 'observed', sourceReference, destinationReference: 'main' }];
    const merged = (await sdk.send(new CreatePullRequestCommand({ title: 'merge me', targets: toMain('feature') }))).pullRequest!;
    const closed = (await sdk.send(new CreatePullRequestCommand({ title: 'close me', targets: toMain('other') }))).pullRequest!;
    await sdk.send(new MergePullRequestByFastForwardCommand({ pullRequestId: merged.pullRequestId, repositoryName: 'observed' }));
    await sdk.send(new UpdatePullRequestStatusCommand({ pullRequestId: closed.pullRequestId, pullRequestStatus: 'CLOSED' }));

    // A user with no policy is refused.
    const c = stack.credentials();
    const iam = new IAMClient({ endpoint: c.endpoint, region: c.region, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey } });
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
    iam.destroy();
    const nobody = new CodeCommitClient({ endpoint: c.endpoint, region: c.region, maxAttempts: 1, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    await expect(nobody.send(new GetRepositoryCommand({ repositoryName: 'observed' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    nobody.destroy();

    const text = await eventually('metrics', PLATFORM);
    expect(sample(text, 'cairn_repository_pushed_bytes_total', { repository: 'observed' })).toBeGreaterThan(100);
    expect(sample(text, 'cairn_repository_pulled_bytes_total', { repository: 'observed' })).toBeGreaterThan(100);
    // Three commits, three trees, three blobs: a few hundred bytes of loose objects (KiB granularity).
    expect(sample(text, 'cairn_repository_size_bytes', { repository: 'observed' })).toBeGreaterThanOrEqual(1024);
    expect(sample(text, 'cairn_event_consumer_lag_seconds_count', { group: 'metrics.platform' })).toBeGreaterThan(0);
  }, 180_000);

  it('shows request metrics on the services that served them', async () => {
    const gitProtocol = await scrape('git-protocol');
    expect(sample(gitProtocol, 'cairn_git_requests_total', { transport: 'http', request: 'receive-pack', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(sample(gitProtocol, 'cairn_git_requests_total', { transport: 'http', request: 'upload-pack', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(gitProtocol, 'cairn_git_request_duration_seconds_count', { transport: 'http', request: 'info-refs' })).toBeGreaterThanOrEqual(3);

    await sdk.send(new GetRepositoryCommand({ repositoryName: 'observed' }));
    const gateway = await scrape('api-gateway');
    expect(sample(gateway, 'cairn_api_requests_total', { api: 'codecommit', operation: 'GetRepository', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(gateway, 'cairn_api_request_duration_seconds_count', { api: 'codecommit', operation: 'GetRepository' })).toBeGreaterThanOrEqual(1);

    const policy = await scrape('policy');
    expect(sample(policy, 'cairn_grpc_server_handled_total', { method: 'Policy/Authorize', code: 'OK' })).toBeGreaterThanOrEqual(1);
    expect(sample(policy, 'cairn_authorization_decisions_total', { outcome: 'allowed' })).toBeGreaterThanOrEqual(1);
    expect(sample(policy, 'process_cpu_seconds_total', { service: 'policy' })).toBeGreaterThan(0);
  });

  it('keeps the platform metrics across a restart (they live in the database of the metrics service)', async () => {
    await stack.stop();
    await stack.start();
    await eventually('metrics', PLATFORM);
  }, 240_000);
});
