import { GrpcStatus, RpcError } from '@cairn/contracts';

/**
 * An error a client sees, named as CodeCommit names it (the gateway sends the name as `__type`);
 * the gRPC status only says which kind it is.
 */
export function prError(code: string, message: string): RpcError {
  const status = /DoesNotExist/.test(code)
    ? GrpcStatus.NOT_FOUND
    : /AlreadyExists|AlreadyClosed|AlreadySet|NotCurrent|IsDifferent|Concurrent|InUse|Mismatch/.test(code)
      ? GrpcStatus.FAILED_PRECONDITION
      : /Exceeded/.test(code)
        ? GrpcStatus.RESOURCE_EXHAUSTED
        : GrpcStatus.INVALID_ARGUMENT;
  return new RpcError(status, code, message);
}
