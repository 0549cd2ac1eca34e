import { Injectable } from '@nestjs/common';
import { authorizeAll, policy, RequestOrigin } from '@cairn/contracts';
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

  async isAllowed(principal: policy.Principal, action: GitAction, resource: string, origin: RequestOrigin): Promise<boolean> {
    const [answer] = await authorizeAll(this.upstreams, principal.arn, [{ action, resource }], origin);
    return answer!.allowed;
  }

  /**
   * Each ref of a push is its own question, as CodeCommit evaluates `codecommit:References` per
   * ref; all of them travel in one call.
   */
  async deniedReferences(principal: policy.Principal, resource: string, refs: string[], origin: RequestOrigin): Promise<string[]> {
    const questions = refs.map((ref) => ({ action: 'codecommit:GitPush', resource, context: { 'codecommit:References': [ref] } }));
    const answers = await authorizeAll(this.upstreams, principal.arn, questions, origin);
    return refs.filter((_ref, i) => !answers[i]!.allowed);
  }
}
