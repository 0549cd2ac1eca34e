import { CODECOMMIT_MANAGED_POLICIES } from '../evaluation';

/**
 * The built-in ("AWS managed") policies every account has, attachable by ARN
 * arn:aws:iam::aws:policy/<name>: AdministratorAccess and the three CodeCommit policies, whose
 * documents the evaluation module owns (services/policy/src/evaluation/managed-policies.ts).
 */
export interface AwsManagedPolicy {
  name: string;
  description: string;
  document: string;
}

const ADMINISTRATOR_ACCESS: AwsManagedPolicy = {
  name: 'AdministratorAccess',
  description: 'Provides full access to AWS services and resources.',
  document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, null, 2),
};

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  ADMINISTRATOR_ACCESS,
  ...CODECOMMIT_MANAGED_POLICIES.map(({ name, description, document }) => ({ name, description, document })),
];

export const awsManagedPolicyArn = (name: string) => `arn:aws:iam::aws:policy/${name}`;
