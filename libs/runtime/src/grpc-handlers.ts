import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { domainCodeOf, GrpcStatus, isGrpcError, RpcError } from '@cairn/contracts';
import { Logger } from './logger';
import { observeGrpcCall } from './grpc-metrics';

const logger = new Logger('grpc');

/**
 * Adapts an async function to a grpc-js unary handler. Errors that carry a gRPC status keep it,
 * and so does a domain error passed up from a service this one called (e.g. storage's
 * ParentCommitIdOutdatedException through repo-metadata); anything else is an INTERNAL error
 * whose details never leak internals to the caller.
 */
export function unary<Req, Res>(fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    const done = observeGrpcCall(call.getPath());
    const fail = (error: RpcError) => {
      done(GrpcStatus[error.code] ?? String(error.code));
      callback(error);
    };
    fn(call.request, call).then(
      (response) => {
        done('OK');
        callback(null, response);
      },
      (error: unknown) => {
        if (error instanceof RpcError) return fail(error);
        const domainCode = domainCodeOf(error);
        if (isGrpcError(error) && domainCode) return fail(new RpcError(error.code, domainCode, error.details));
        logger.error('unhandled error in RPC handler', { error, path: call.getPath() });
        fail(new RpcError(GrpcStatus.INTERNAL, 'InternalFailure', 'internal error'));
      },
    );
  };
}
