import { GrpcStatus, RpcError } from '@cairn/contracts';

/** The exceptions of CloudTrail's LookupEvents this service raises (the gateway sends the name as `__type`). */
export type AuditErrorCode =
  | 'InvalidLookupAttributesException'
  | 'InvalidTimeRangeException'
  | 'InvalidMaxResultsException'
  | 'InvalidNextTokenException'
  | 'InvalidEventCategoryException'
  | 'SerializationException';

/** Every one of them is a bad request. */
export function auditError(code: AuditErrorCode, message: string): RpcError {
  return new RpcError(GrpcStatus.INVALID_ARGUMENT, code, message);
}
