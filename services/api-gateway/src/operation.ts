import type { policy } from '@cairn/contracts';

/**
 * One API operation: the resources it acts on (each is authorized; a rename needs both names,
 * a batch every member; IAM's GetUser without a name acts on the caller) and what it does.
 */
export interface Operation {
  resources(input: Record<string, unknown>, caller: policy.Principal): Promise<string[]>;
  /** Condition keys of the request, e.g. `codecommit:References` for operations that move a branch. */
  conditions?(input: Record<string, unknown>): Record<string, string[]> | Promise<Record<string, string[]>>;
  run(input: Record<string, unknown>, caller: policy.Principal): Promise<unknown>;
}
