import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { GrpcStatus, RpcError } from '@cairn/contracts';
import { Logger } from './logger';

const logger = new Logger('grpc');

/**
 * Adapts an async function to a grpc-js unary handler. Errors that carry a gRPC status keep it;
 * anything else is an INTERNAL error whose details never leak internals to the caller.
 */
export function unary<Req, Res>(fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    fn(call.request, call).then(
      (response) => callback(null, response),
      (error: unknown) => {
        if (error instanceof RpcError) return callback(error);
        logger.error('unhandled error in RPC handler', { error, path: call.getPath() });
        callback(new RpcError(GrpcStatus.INTERNAL, 'InternalFailure', 'internal error'));
      },
    );
  };
}
