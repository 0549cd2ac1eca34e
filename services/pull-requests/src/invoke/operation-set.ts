import type { pullRequests } from '@cairn/contracts';

/** One CodeCommit operation: its JSON input and the caller, to its JSON output. */
export type OperationHandler = (input: Record<string, unknown>, caller: pullRequests.Caller) => Promise<unknown>;

/** A feature's operations by CodeCommit name. */
export interface OperationSet {
  readonly operations: Record<string, OperationHandler>;
}
