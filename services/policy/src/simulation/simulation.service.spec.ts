import { domainCodeOf, type iam } from '@cairn/contracts';
import { iamErrors } from '../iam/iam-errors';
import type { SimulationSource, SimulationSources } from './policy-sources';
import { simulatePrincipalPolicy } from './simulation.service';

const ACCOUNT = '123456789012';
const REPO = `arn:aws:codecommit:us-east-1:${ACCOUNT}:my-repo`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const DEVS = `arn:aws:iam::${ACCOUNT}:group/devs`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/admin`;

const PROTECT_MAIN = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Push', Effect: 'Allow', Action: 'codecommit:GitPush', Resource: REPO },
    {
      Sid: 'ProtectMain',
      Effect: 'Deny',
      Action: ['codecommit:GitPush', 'codecommit:PutFile', 'codecommit:Merge*'],
      Resource: REPO,
      Condition: { StringEqualsIfExists: { 'codecommit:References': ['refs/heads/main'] }, Null: { 'codecommit:References': 'false' } },
    },
  ],
});
const OWN_REPOS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'codecommit:GitPull', Resource: 'arn:aws:codecommit:*:*:${aws:username}-*' }] });

/** A store with alice (in group devs, whose policy protects main), bob (no policies), the administrator. */
class FakeSources implements SimulationSources {
  async load(arn: string): Promise<SimulationSource> {
    const user = (name: string) => ({ arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, userName: name, userId: `AIDA${name.toUpperCase()}`, accountId: ACCOUNT });
    const devsPolicy = { id: 'group/devs/inline/protect', sourcePolicyId: 'protect', sourcePolicyType: 'group' as const, document: PROTECT_MAIN, layer: 'identity' as const };
    switch (arn) {
      case ALICE:
        return { kind: 'user', principal: user('alice'), administrator: false, policies: [devsPolicy] };
      case BOB:
        return { kind: 'user', principal: user('bob'), administrator: false, policies: [] };
      case DEVS:
        return { kind: 'group', principal: { arn: DEVS, userId: 'AGPADEVS', accountId: ACCOUNT }, administrator: false, policies: [devsPolicy] };
      case ADMIN:
        return { kind: 'user', principal: user('admin'), administrator: true, policies: [] };
      default:
        throw iamErrors.noSuchEntity('The user with name nobody cannot be found.');
    }
  }

  async caller(arn: string) {
    if (arn !== BOB) throw iamErrors.noSuchEntity('The user with name nobody cannot be found.');
    return { arn: BOB, userName: 'bob', userId: 'AIDABOB', accountId: ACCOUNT };
  }
}

const request = (overrides: Partial<iam.SimulatePrincipalPolicyRequest>): iam.SimulatePrincipalPolicyRequest => ({
  policySourceArn: ALICE,
  actionNames: ['codecommit:GitPush'],
  resourceArns: [REPO],
  policyInputList: [],
  permissionsBoundaryPolicyInputList: [],
  resourcePolicy: '',
  resourceOwner: '',
  callerArn: '',
  contextEntries: [],
  resourceHandlingOption: '',
  marker: '',
  maxItems: 0,
  ...overrides,
});

const simulateFor = (overrides: Partial<iam.SimulatePrincipalPolicyRequest>) => simulatePrincipalPolicy(request(overrides), new FakeSources());
const ref = (name: string) => [{ keyName: 'codecommit:References', values: [name], type: 'string' }];

async function failure(promise: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('succeeded');
  return { code: domainCodeOf(error), message: error.message };
}

describe('simulatePrincipalPolicy', () => {
  it("answers with a group's policy for its member: main is protected, other branches are not", async () => {
    const main = await simulateFor({ contextEntries: ref('refs/heads/main') });
    expect(main.evaluationResults).toEqual([
      expect.objectContaining({ evalDecision: 'explicitDeny', matchedStatements: [expect.objectContaining({ sourcePolicyId: 'protect', sourcePolicyType: 'group' })] }),
    ]);
    const feature = await simulateFor({ contextEntries: ref('refs/heads/feature') });
    expect(feature.evaluationResults[0]).toMatchObject({ evalDecision: 'allowed', missingContextValues: [] });
    expect(feature.isTruncated).toBe(false);
  });

  it('simulates a group on its own', async () => {
    const r = await simulateFor({ policySourceArn: DEVS, contextEntries: ref('refs/heads/main') });
    expect(r.evaluationResults[0]!.evalDecision).toBe('explicitDeny');
  });

  it("gives a user's answer, not the administrator's, whoever asks; the administrator itself is allowed everything", async () => {
    expect((await simulateFor({ policySourceArn: BOB })).evaluationResults[0]).toMatchObject({ evalDecision: 'implicitDeny', matchedStatements: [] });
    expect((await simulateFor({ policySourceArn: ADMIN, contextEntries: ref('refs/heads/main') })).evaluationResults[0]).toMatchObject({ evalDecision: 'allowed', matchedStatements: [] });
  });

  it('adds PolicyInputList documents to the source policies', async () => {
    const extra = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'codecommit:GitPull', Resource: '*' } });
    const r = await simulateFor({ policySourceArn: BOB, actionNames: ['codecommit:GitPull'], resourceArns: [], policyInputList: [extra] });
    expect(r.evaluationResults).toEqual([
      expect.objectContaining({ evalResourceName: '*', evalDecision: 'allowed', matchedStatements: [expect.objectContaining({ sourcePolicyId: 'PolicyInputList.1', sourcePolicyType: 'none' })] }),
    ]);
  });

  it('reports missing context values when no ref is given', async () => {
    const r = await simulateFor({});
    expect(r.evaluationResults[0]).toMatchObject({ evalDecision: 'allowed', missingContextValues: ['codecommit:References'] });
  });

  it('simulates as CallerArn with the source policies: policy variables follow the caller', async () => {
    const r = await simulateFor({
      policySourceArn: BOB,
      callerArn: BOB,
      policyInputList: [OWN_REPOS],
      actionNames: ['codecommit:GitPull'],
      resourceArns: [`arn:aws:codecommit:us-east-1:${ACCOUNT}:bob-x`, `arn:aws:codecommit:us-east-1:${ACCOUNT}:alice-x`],
    });
    expect(r.evaluationResults.map((e) => e.evalDecision)).toEqual(['allowed', 'implicitDeny']);
  });

  it('pages results with MaxItems and Marker', async () => {
    const actions = ['codecommit:GitPull', 'codecommit:GitPush', 'codecommit:GetBranch'];
    const first = await simulateFor({ actionNames: actions, maxItems: 2 });
    expect(first.evaluationResults.map((e) => e.evalActionName)).toEqual(actions.slice(0, 2));
    expect(first.isTruncated).toBe(true);
    const rest = await simulateFor({ actionNames: actions, maxItems: 2, marker: first.marker });
    expect(rest.evaluationResults.map((e) => e.evalActionName)).toEqual(actions.slice(2));
    expect(rest).toMatchObject({ isTruncated: false, marker: '' });
  });

  it('refuses bad input with InvalidInput and an unknown source or caller with NoSuchEntity', async () => {
    expect(await failure(simulateFor({ actionNames: [] }))).toMatchObject({ code: 'InvalidInputException' });
    expect(await failure(simulateFor({ actionNames: ['GitPush'] }))).toMatchObject({ code: 'InvalidInputException', message: expect.stringMatching(/Action name/) });
    expect(await failure(simulateFor({ resourceArns: ['my-repo'] }))).toMatchObject({ code: 'InvalidInputException' });
    expect(await failure(simulateFor({ policyInputList: ['{"Statement": ['] }))).toMatchObject({ code: 'InvalidInputException', message: expect.stringMatching(/^PolicyInputList\.1: /) });
    expect(await failure(simulateFor({ contextEntries: [{ keyName: 'codecommit:References', values: ['a'], type: 'colour' }] }))).toMatchObject({ code: 'InvalidInputException' });
    expect(await failure(simulateFor({ policySourceArn: DEVS, resourcePolicy: '{"Statement":{"Effect":"Allow","Principal":"*","Action":"codecommit:GitPull"}}' }))).toMatchObject({
      code: 'InvalidInputException',
      message: expect.stringMatching(/CallerArn is required/),
    });
    expect(await failure(simulateFor({ policySourceArn: `arn:aws:iam::${ACCOUNT}:user/nobody` }))).toMatchObject({ code: 'NoSuchEntityException' });
    expect(await failure(simulateFor({ callerArn: `arn:aws:iam::${ACCOUNT}:user/nobody` }))).toMatchObject({ code: 'NoSuchEntityException' });
    expect(await failure(simulateFor({ marker: 'garbage' }))).toMatchObject({ code: 'ValidationErrorException' });
  });
});
