import { Injectable } from '@nestjs/common';
import { Upstreams } from '../upstreams';

/** Repository ARNs as IAM sees them: arn:aws:codecommit:<region>:<account>:<name>. */
@Injectable()
export class RepositoryArns {
  constructor(private readonly upstreams: Upstreams) {}

  async of(...names: string[]): Promise<string[]> {
    const { accountId, region } = await this.upstreams.getAccount();
    return names.map((name) => `arn:aws:codecommit:${region}:${accountId}:${name}`);
  }
}
