import type { policy } from '@cairn/contracts';

/** One CodeCommit operation: which resource it acts on (for authorization) and what it does. */
export interface Operation {
  resource(input: Record<string, unknown>): Promise<string>;
  run(input: Record<string, unknown>, caller: policy.Principal): Promise<unknown>;
}
