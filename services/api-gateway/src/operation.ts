import type { policy } from '@cairn/contracts';

/**
 * One API operation: the resources it acts on (each is authorized; a rename needs both names,
 * a batch every member; IAM's GetUser without a name acts on the caller) and what it does.
 */
export interface Operation {
  resources(input: Record<string, unknown>, caller: policy.Principal): Promise<string[]>;
  run(input: Record<string, unknown>, caller: policy.Principal): Promise<unknown>;
}
