import * as policy from './generated/policy/v1/policy';
import { callUnary } from './grpc-client';

/**
 * The account id and region, asked of the policy service once: they never change while a
 * service runs. A failed lookup is not remembered, so the next call asks again.
 */
export class AccountCache {
  private account?: Promise<policy.GetAccountResponse>;

  constructor(private readonly client: policy.PolicyClient) {}

  get(): Promise<policy.GetAccountResponse> {
    this.account ??= callUnary(this.client, this.client.getAccount, {}).catch((error) => {
      this.account = undefined;
      throw error;
    });
    return this.account;
  }
}
