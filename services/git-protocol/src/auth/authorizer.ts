import { Injectable } from '@nestjs/common';
import { callUnary, policy } from '@cairn/contracts';
import { Upstreams } from '../upstreams/upstreams';

export type GitAction = 'codecommit:GitPull' | 'codecommit:GitPush';

/** Asks the policy service, the single decision point, about git operations. */
@Injectable()
export class GitAuthorizer {
  constructor(private readonly upstreams: Upstreams) {}

  async repositoryArn(repositoryName: string): Promise<string> {
    const { accountId, region } = await this.upstreams.getAccount();
    return `arn:aws:codecommit:${region}:${accountId}:${repositoryName}`;
  }

  async isAllowed(principal: policy.Principal, action: GitAction, resource: string, references?: string[]): Promise<boolean> {
    const context: Record<string, policy.StringList> = references ? { 'codecommit:References': { values: references } } : {};
    const result = await callUnary(this.upstreams.policy, this.upstreams.policy.authorize, { principalArn: principal.arn, action, resource, context });
    return result.allowed;
  }

  /** Each ref of a push is its own question, as CodeCommit evaluates `codecommit:References` per ref. */
  async deniedReferences(principal: policy.Principal, resource: string, refs: string[]): Promise<string[]> {
    const answers = await Promise.all(refs.map(async (ref) => ((await this.isAllowed(principal, 'codecommit:GitPush', resource, [ref])) ? undefined : ref)));
    return answers.filter((r): r is string => r !== undefined);
  }
}
