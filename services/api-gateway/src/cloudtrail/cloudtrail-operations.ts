import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { audit, callUnary, createClient } from '@cairn/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { Operation } from '../operation';

/** Trails are account-wide: IAM's resource for CloudTrail's lookups is "*". */
const ACCOUNT = async () => ['*'];

/**
 * CloudTrail's `LookupEvents` (answered by the audit service), and `VerifyAuditChain`, Cairn's
 * own operation on the same endpoint: it walks the audit hash chain and names the first record
 * that was altered, removed or reordered.
 */
@Injectable()
export class CloudTrailOperations implements OnApplicationShutdown {
  private readonly client: audit.AuditClient;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.client = createClient(audit.AuditClient, config.auditAddress);
  }

  onApplicationShutdown(): void {
    this.client.close();
  }

  readonly operations: Record<string, Operation> = {
    LookupEvents: {
      resources: ACCOUNT,
      run: async (input) => JSON.parse((await callUnary(this.client, this.client.lookupEvents, { inputJson: JSON.stringify(input) })).outputJson) as unknown,
    },
    VerifyAuditChain: {
      resources: ACCOUNT,
      run: async (input) => {
        const from = typeof input.FromSequence === 'number' && Number.isInteger(input.FromSequence) && input.FromSequence > 0 ? input.FromSequence : 0;
        const out = await callUnary(this.client, this.client.verify, { fromSequence: from });
        return { Ok: out.ok, Checked: out.checked, FirstBadSequence: out.firstBadSequence || undefined, Problem: out.problem || undefined, LastSequence: out.lastSequence, LastHash: out.lastHash || undefined };
      },
    },
  };
}
