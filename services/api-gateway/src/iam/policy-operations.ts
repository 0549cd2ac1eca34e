import { AwsError } from '@cairn/aws-protocol';
import { callUnary, iam } from '@cairn/contracts';
import { Operation } from '../operation';
import { IamUpstream } from './iam-upstream';
import { boolean, encodeDocument, optional, page, pageXml, required } from './query-input';
import { policyVersionXml, policyXml } from './iam-xml';

const HOLDERS = [
  { kind: iam.EntityKind.ENTITY_KIND_USER, noun: 'User' },
  { kind: iam.EntityKind.ENTITY_KIND_GROUP, noun: 'Group' },
  { kind: iam.EntityKind.ENTITY_KIND_ROLE, noun: 'Role' },
] as const;

const SCOPES: Record<string, iam.PolicyScope> = {
  All: iam.PolicyScope.POLICY_SCOPE_UNSPECIFIED,
  AWS: iam.PolicyScope.POLICY_SCOPE_AWS,
  Local: iam.PolicyScope.POLICY_SCOPE_LOCAL,
};

/** Managed policies and their versions; Attach/Detach/ListAttached and inline policies of users, groups and roles. */
export function policyOperations(upstream: IamUpstream): Record<string, Operation> {
  const c = upstream.client;
  const arnOf = async (kind: iam.EntityKind, name: string) => (await callUnary(c, c.resolveArn, { kind, name })).arn;
  const policyArn = async (input: Record<string, unknown>) => [required(input, 'PolicyArn')];

  const operations: Record<string, Operation> = {
    CreatePolicy: {
      resources: async (input) => [`arn:aws:iam::${await upstream.accountId()}:policy${optional(input, 'Path') || '/'}${required(input, 'PolicyName')}`],
      run: async (input) => {
        const { policy } = await callUnary(c, c.createPolicy, {
          policyName: required(input, 'PolicyName'),
          path: optional(input, 'Path'),
          policyDocument: required(input, 'PolicyDocument'),
          description: optional(input, 'Description'),
        });
        return { Policy: policyXml(policy!, true) };
      },
    },
    GetPolicy: {
      resources: policyArn,
      run: async (input) => ({ Policy: policyXml((await callUnary(c, c.getPolicy, { policyArn: required(input, 'PolicyArn') })).policy!, true) }),
    },
    ListPolicies: {
      resources: async () => ['*'],
      run: async (input) => {
        const scope = optional(input, 'Scope') || 'All';
        if (!Object.hasOwn(SCOPES, scope)) {
          throw new AwsError('ValidationError', `1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`, { queryCode: 'ValidationError' });
        }
        const r = await callUnary(c, c.listPolicies, { scope: SCOPES[scope]!, onlyAttached: boolean(input, 'OnlyAttached'), pathPrefix: optional(input, 'PathPrefix'), ...page(input) });
        return { Policies: r.policies.map((p) => policyXml(p, false)), ...pageXml(r) };
      },
    },
    DeletePolicy: {
      resources: policyArn,
      run: async (input) => void (await callUnary(c, c.deletePolicy, { policyArn: required(input, 'PolicyArn') })),
    },
    CreatePolicyVersion: {
      resources: policyArn,
      run: async (input) => {
        const { policyVersion } = await callUnary(c, c.createPolicyVersion, {
          policyArn: required(input, 'PolicyArn'),
          policyDocument: required(input, 'PolicyDocument'),
          setAsDefault: boolean(input, 'SetAsDefault'),
        });
        return { PolicyVersion: policyVersionXml(policyVersion!) };
      },
    },
    GetPolicyVersion: {
      resources: policyArn,
      run: async (input) => {
        const { policyVersion } = await callUnary(c, c.getPolicyVersion, { policyArn: required(input, 'PolicyArn'), versionId: required(input, 'VersionId') });
        return { PolicyVersion: policyVersionXml(policyVersion!) };
      },
    },
    ListPolicyVersions: {
      resources: policyArn,
      run: async (input) => {
        const r = await callUnary(c, c.listPolicyVersions, { policyArn: required(input, 'PolicyArn'), ...page(input) });
        return { Versions: r.versions.map(policyVersionXml), ...pageXml(r) };
      },
    },
    DeletePolicyVersion: {
      resources: policyArn,
      run: async (input) => void (await callUnary(c, c.deletePolicyVersion, { policyArn: required(input, 'PolicyArn'), versionId: required(input, 'VersionId') })),
    },
    SetDefaultPolicyVersion: {
      resources: policyArn,
      run: async (input) => void (await callUnary(c, c.setDefaultPolicyVersion, { policyArn: required(input, 'PolicyArn'), versionId: required(input, 'VersionId') })),
    },
  };

  for (const { kind, noun } of HOLDERS) {
    const nameMember = `${noun}Name`;
    const holder = async (input: Record<string, unknown>) => [await arnOf(kind, required(input, nameMember))];
    const target = (input: Record<string, unknown>) => ({ kind, entityName: required(input, nameMember) });
    operations[`Attach${noun}Policy`] = {
      resources: holder,
      run: async (input) => void (await callUnary(c, c.attachPolicy, { ...target(input), policyArn: required(input, 'PolicyArn') })),
    };
    operations[`Detach${noun}Policy`] = {
      resources: holder,
      run: async (input) => void (await callUnary(c, c.detachPolicy, { ...target(input), policyArn: required(input, 'PolicyArn') })),
    };
    operations[`ListAttached${noun}Policies`] = {
      resources: holder,
      run: async (input) => {
        const r = await callUnary(c, c.listAttachedPolicies, { ...target(input), pathPrefix: optional(input, 'PathPrefix'), ...page(input) });
        return { AttachedPolicies: r.attachedPolicies.map((p) => ({ PolicyName: p.policyName, PolicyArn: p.policyArn })), ...pageXml(r) };
      },
    };
    operations[`Put${noun}Policy`] = {
      resources: holder,
      run: async (input) =>
        void (await callUnary(c, c.putInlinePolicy, { ...target(input), policyName: required(input, 'PolicyName'), policyDocument: required(input, 'PolicyDocument') })),
    };
    operations[`Get${noun}Policy`] = {
      resources: holder,
      run: async (input) => {
        const r = await callUnary(c, c.getInlinePolicy, { ...target(input), policyName: required(input, 'PolicyName') });
        return { [nameMember]: r.entityName, PolicyName: r.policyName, PolicyDocument: encodeDocument(r.policyDocument) };
      },
    };
    operations[`List${noun}Policies`] = {
      resources: holder,
      run: async (input) => {
        const r = await callUnary(c, c.listInlinePolicies, { ...target(input), ...page(input) });
        return { PolicyNames: r.policyNames, ...pageXml(r) };
      },
    };
    operations[`Delete${noun}Policy`] = {
      resources: holder,
      run: async (input) => void (await callUnary(c, c.deleteInlinePolicy, { ...target(input), policyName: required(input, 'PolicyName') })),
    };
  }
  return operations;
}
