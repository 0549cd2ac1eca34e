import type { policy } from '@cairn/contracts';

/**
 * One API operation: the resources it acts on (each is authorized; a rename needs both names,
 * a batch every member) and what it does.
 */
export interface Operation {
  resources(input: Record<string, unknown>): Promise<string[]>;
  run(input: Record<string, unknown>, caller: policy.Principal): Promise<unknown>;
}
