// The real AWS SDK clients against a node:http server built from verifySigV4 and the codecs: proves
// that what the SDK signs verifies, and that what the codecs write is what the SDK parses.
import {
  CodeCommitClient,
  CodeCommitServiceException,
  CreateRepositoryCommand,
  GetRepositoryCommand,
  ListRepositoriesCommand,
} from '@aws-sdk/client-codecommit';
import {
  CreateUserCommand,
  DeleteUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { AwsError, throttling } from '@cairn/aws-protocol';
import { ALICE, FakeAws, REGION, ROLE } from './fake-aws';

// Never let a developer's own AWS profile take part.
process.env['AWS_CONFIG_FILE'] = '/dev/null';
process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/dev/null';

const fake = new FakeAws();
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await fake.stop();
});
beforeEach(() => {
  fake.seen.length = 0;
});

function codecommit(options: Partial<ConstructorParameters<typeof CodeCommitClient>[0]> = {}): CodeCommitClient {
  const client = new CodeCommitClient({ endpoint: fake.endpoint, region: REGION, credentials: ALICE, maxAttempts: 1, ...options });
  clients.push(client);
  return client;
}

function iam(options: Partial<ConstructorParameters<typeof IAMClient>[0]> = {}): IAMClient {
  const client = new IAMClient({ endpoint: fake.endpoint, region: REGION, credentials: ALICE, maxAttempts: 1, ...options });
  clients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<CodeCommitServiceException> {
  try {
    await promise;
  } catch (err) {
    return err as CodeCommitServiceException;
  }
  throw new Error('expected the call to fail');
}

const repositoryMetadata = {
  accountId: '123456789012',
  repositoryId: 'f7579e13-b83e-4027-aaef-650c0EXAMPLE',
  repositoryName: 'demo',
  defaultBranch: 'main',
  creationDate: new Date(1_571_356_106_936),
  lastModifiedDate: new Date(1_700_000_000_000),
  cloneUrlHttp: 'http://127.0.0.1:8080/v1/repos/demo',
  Arn: 'arn:aws:codecommit:xx-cairn-1:123456789012:demo',
};

describe('@aws-sdk/client-codecommit against verifySigV4 + awsJson', () => {
  it('signs with a correct key, and parses the canned GetRepository answer', async () => {
    fake.jsonHandler = async (operation, input) => {
      expect([operation, input]).toEqual(['GetRepository', { repositoryName: 'demo' }]);
      return { repositoryMetadata };
    };
    const out = await codecommit().send(new GetRepositoryCommand({ repositoryName: 'demo' }));

    expect(out.repositoryMetadata).toEqual(repositoryMetadata);
    expect(out.repositoryMetadata?.creationDate).toBeInstanceOf(Date);
    expect(out.$metadata.requestId).toBe(fake.seen[0]!.requestId);
    expect(fake.seen[0]).toMatchObject({ outcome: 'ok', principal: 'user/alice' });
    // The SDK signs its 9 headers; this is what makes "any signed-header list" matter.
    expect(fake.seen[0]!.signedHeaders).toBe(
      'amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent',
    );
  });

  it('carries a request body and input maps through signing', async () => {
    fake.jsonHandler = async () => ({ repositoryMetadata: { ...repositoryMetadata, repositoryName: 'new-repo' } });
    const out = await codecommit().send(
      new CreateRepositoryCommand({ repositoryName: 'new-repo', repositoryDescription: 'Zürich ✓ <b>', tags: { team: 'git' } }),
    );
    expect(out.repositoryMetadata?.repositoryName).toBe('new-repo');
    expect(fake.seen[0]!.input).toEqual({ repositoryName: 'new-repo', repositoryDescription: 'Zürich ✓ <b>', tags: { team: 'git' } });
  });

  it('answers a wrong secret with InvalidSignatureException', async () => {
    const error = await failure(
      codecommit({ credentials: { ...ALICE, secretAccessKey: 'not-alice' } }).send(new ListRepositoriesCommand({})),
    );
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
    expect(error.$fault).toBe('client');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.requestId).toBe(fake.seen[0]!.requestId);
  });

  it('answers an unknown access key id with UnrecognizedClientException', async () => {
    const error = await failure(
      codecommit({ credentials: { accessKeyId: 'AKIANOBODYHERE000000', secretAccessKey: 'x' } }).send(new ListRepositoriesCommand({})),
    );
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe('The security token included in the request is invalid.');
  });

  it('rejects a client whose clock is six minutes behind', async () => {
    const error = await failure(codecommit({ systemClockOffset: -6 * 60_000 }).send(new ListRepositoriesCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  });

  it('rejects a client whose clock is six minutes ahead', async () => {
    const error = await failure(codecommit({ systemClockOffset: 6 * 60_000 }).send(new ListRepositoriesCommand({})));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^Signature not yet current: /);
  });

  it('lets a skewed SDK correct its clock from the Date header and retry, as it does against AWS', async () => {
    fake.jsonHandler = async () => ({ repositories: [{ repositoryName: 'demo', repositoryId: 'id-1' }] });
    const client = codecommit({ systemClockOffset: -6 * 60_000, maxAttempts: 3 });
    const out = await client.send(new ListRepositoriesCommand({}));
    expect(out.repositories).toEqual([{ repositoryName: 'demo', repositoryId: 'id-1' }]);
    expect(fake.seen.map((s) => s.outcome)).toEqual([expect.stringMatching(/^InvalidSignatureException: Signature expired/), 'ok']);
    expect(Math.abs(await client.config.systemClockOffset)).toBeLessThan(60_000);
  });

  it('delivers a server-thrown AwsError as that error name and message', async () => {
    fake.jsonHandler = async () => {
      throw new AwsError('RepositoryDoesNotExistException', 'demo does not exist');
    };
    const error = await failure(codecommit().send(new GetRepositoryCommand({ repositoryName: 'demo' })));
    expect(error.name).toBe('RepositoryDoesNotExistException');
    expect(error.message).toBe('demo does not exist');
    expect(error.$fault).toBe('client');
  });

  it('delivers an unexpected server exception as InternalFailure, a server fault', async () => {
    fake.jsonHandler = async () => {
      throw new Error('database password is hunter2');
    };
    const error = await failure(codecommit().send(new ListRepositoriesCommand({})));
    expect(error.name).toBe('InternalFailure');
    expect(error.$fault).toBe('server');
    expect(error.message).not.toContain('hunter2');
  });

  it('makes the SDK back off and retry on ThrottlingException', async () => {
    let calls = 0;
    fake.jsonHandler = async () => {
      calls += 1;
      if (calls === 1) throw throttling();
      return { repositories: [] };
    };
    await expect(codecommit({ maxAttempts: 2 }).send(new ListRepositoriesCommand({}))).resolves.toMatchObject({ repositories: [] });
    expect(fake.seen.map((s) => s.outcome)).toEqual(['ThrottlingException: Rate exceeded', 'ok']);
  });

  it('accepts temporary credentials with their session token, and refuses a wrong token', async () => {
    fake.jsonHandler = async () => ({ repositories: [] });
    await codecommit({ credentials: ROLE }).send(new ListRepositoriesCommand({}));
    expect(fake.seen[0]).toMatchObject({ outcome: 'ok', principal: 'assumed-role/ci' });
    expect(fake.seen[0]!.signedHeaders).toContain('x-amz-security-token');

    const error = await failure(
      codecommit({ credentials: { ...ROLE, sessionToken: 'forged' } }).send(new ListRepositoriesCommand({})),
    );
    expect(error.name).toBe('UnrecognizedClientException');
  });
});

describe('@aws-sdk/client-iam against verifySigV4 + awsQuery', () => {
  const alice = {
    Path: '/',
    UserName: 'alice',
    UserId: 'AIDACAIRNALICE0000001',
    Arn: 'arn:aws:iam::123456789012:user/alice',
    CreateDate: new Date('2024-01-02T03:04:05Z'),
  };

  it('signs with a correct key, and parses the canned GetUser answer', async () => {
    fake.queryHandler = async (action, input, principal) => {
      expect([action, input, principal]).toEqual(['GetUser', { UserName: 'alice' }, 'user/alice']);
      return { User: alice };
    };
    const out = await iam().send(new GetUserCommand({ UserName: 'alice' }));
    expect(out.User).toEqual(alice);
    expect(out.$metadata.requestId).toBe(fake.seen[0]!.requestId);
    // With a custom endpoint the SDK scopes IAM to the configured region, not AWS's global us-east-1.
    expect(fake.seen[0]!.credentialScope).toMatch(new RegExp(`^\\d{8}/${REGION}/iam/aws4_request$`));
  });

  it('round-trips member lists both ways', async () => {
    fake.queryHandler = async () => ({ User: { ...alice, Tags: [{ Key: 'team', Value: 'git' }] } });
    await iam().send(
      new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'git' }, { Key: 'cost', Value: 'a&b=c' }] }),
    );
    expect(fake.seen[0]!.input).toEqual({
      UserName: 'alice',
      Tags: [
        { Key: 'team', Value: 'git' },
        { Key: 'cost', Value: 'a&b=c' },
      ],
    });

    fake.queryHandler = async () => ({ Users: [alice, { ...alice, UserName: 'bob' }], IsTruncated: false });
    const out = await iam().send(new ListUsersCommand({}));
    expect(out.Users?.map((u) => u.UserName)).toEqual(['alice', 'bob']);
    expect(out.IsTruncated).toBe(false);
  });

  it('accepts an action without output', async () => {
    fake.queryHandler = async () => undefined;
    await expect(iam().send(new DeleteUserCommand({ UserName: 'alice' }))).resolves.toBeDefined();
  });

  it('answers a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId', async () => {
    const wrong = await failure(iam({ credentials: { ...ALICE, secretAccessKey: 'not-alice' } }).send(new GetUserCommand({})));
    expect([wrong.name, wrong.$metadata.httpStatusCode, wrong.$fault]).toEqual(['SignatureDoesNotMatch', 403, 'client']);

    const unknown = await failure(
      iam({ credentials: { accessKeyId: 'AKIANOBODYHERE000000', secretAccessKey: 'x' } }).send(new GetUserCommand({})),
    );
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
  });

  it('rejects a client whose clock is six minutes behind', async () => {
    const error = await failure(iam({ systemClockOffset: -6 * 60_000 }).send(new GetUserCommand({})));
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.message).toMatch(/^Signature expired: /);
  });

  it('delivers a server-thrown AwsError as the modelled exception', async () => {
    // On the wire IAM says <Code>NoSuchEntity</Code> (the model's awsQueryError code); the SDK
    // turns that code into its NoSuchEntityException class.
    fake.queryHandler = async () => {
      throw new AwsError('NoSuchEntity', 'The user with name carol cannot be found.', { statusCode: 404 });
    };
    const error = await failure(iam().send(new GetUserCommand({ UserName: 'carol' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual([
      'NoSuchEntityException',
      'The user with name carol cannot be found.',
      404,
    ]);
  });

  it('delivers an unmodelled code as that name', async () => {
    fake.queryHandler = async () => {
      throw new AwsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/alice is not authorized', {
        queryCode: 'AccessDenied',
        queryStatusCode: 403,
      });
    };
    const error = await failure(iam().send(new GetUserCommand({})));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
  });
});
