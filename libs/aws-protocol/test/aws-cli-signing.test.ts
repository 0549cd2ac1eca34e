// AWS CLI v1 (botocore) against the same fake server: it signs only content-type;host;x-amz-date;
// x-amz-target and prints errors in its own words, which users will see.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AwsError } from '@cairn/aws-protocol';
import { testAwsCli } from '@cairn/testing';
import { ALICE, FakeAws, REGION } from './fake-aws';

const exec = promisify(execFile);
const fake = new FakeAws();

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.seen.length = 0;
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function aws(args: string[], credentials: { accessKeyId: string; secretAccessKey: string } = ALICE): Promise<CliResult> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  try {
    const out = await exec(testAwsCli(), [...args, '--endpoint-url', fake.endpoint, '--region', REGION, '--output', 'json'], {
      env,
    });
    return { code: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('AWS CLI v1 against verifySigV4 + awsJson', () => {
  it('signs four headers, verifies, and prints the parsed answer', async () => {
    fake.jsonHandler = async () => ({
      repositoryMetadata: { repositoryName: 'demo', creationDate: new Date(1_571_356_106_936) },
    });
    const result = await aws(['codecommit', 'get-repository', '--repository-name', 'demo']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).repositoryMetadata.repositoryName).toBe('demo');
    expect(fake.seen[0]).toMatchObject({
      outcome: 'ok',
      signedHeaders: 'content-type;host;x-amz-date;x-amz-target',
      input: { repositoryName: 'demo' },
    });
  });

  it('prints InvalidSignatureException for a wrong secret', async () => {
    const result = await aws(['codecommit', 'list-repositories'], { ...ALICE, secretAccessKey: 'not-alice' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'An error occurred (InvalidSignatureException) when calling the ListRepositories operation: The request signature we calculated',
    );
  });

  it('prints UnrecognizedClientException for an unknown key', async () => {
    const result = await aws(['codecommit', 'list-repositories'], { accessKeyId: 'AKIANOBODYHERE000000', secretAccessKey: 'x' });
    expect(result.stderr).toContain('An error occurred (UnrecognizedClientException) when calling the ListRepositories operation');
  });

  it('prints a server-thrown AwsError with its message', async () => {
    fake.jsonHandler = async () => {
      throw new AwsError('RepositoryDoesNotExistException', 'demo does not exist');
    };
    const result = await aws(['codecommit', 'get-repository', '--repository-name', 'demo']);
    expect(result.stderr).toContain(
      'An error occurred (RepositoryDoesNotExistException) when calling the GetRepository operation: demo does not exist',
    );
  });
});

describe('AWS CLI v1 against verifySigV4 + awsQuery', () => {
  it('signs an IAM call for the configured region and parses the XML answer', async () => {
    fake.queryHandler = async () => ({
      User: { UserName: 'alice', UserId: 'AIDA1', Arn: 'arn:aws:iam::123456789012:user/alice', Path: '/', CreateDate: new Date('2024-01-02T03:04:05Z') },
    });
    const result = await aws(['iam', 'get-user', '--user-name', 'alice']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).User).toMatchObject({ UserName: 'alice', Arn: 'arn:aws:iam::123456789012:user/alice' });
    expect(fake.seen[0]!.credentialScope).toMatch(new RegExp(`^\\d{8}/${REGION}/iam/aws4_request$`));
  });

  it('prints the awsQuery error code', async () => {
    fake.queryHandler = async () => {
      throw new AwsError('NoSuchEntityException', 'The user with name carol cannot be found.', {
        queryCode: 'NoSuchEntity',
        statusCode: 404,
      });
    };
    const result = await aws(['iam', 'get-user', '--user-name', 'carol']);
    expect(result.stderr).toContain(
      'An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name carol cannot be found.',
    );
  });
});
