import { Metadata, ServiceError, status } from '@grpc/grpc-js';

export { status as GrpcStatus };

/**
 * An error that carries its gRPC status from where it is created, plus a domain code the
 * public API maps to its own error shape (e.g. "RepositoryDoesNotExistException").
 */
export class RpcError extends Error implements Partial<ServiceError> {
  readonly metadata: Metadata;
  constructor(readonly code: status, readonly domainCode: string, message: string) {
    super(message);
    this.name = 'RpcError';
    this.metadata = new Metadata();
    this.metadata.set('cairn-error-code', domainCode);
  }
  get details(): string {
    return this.message;
  }
}

/** The domain code a peer attached to a gRPC error, if any. */
export function domainCodeOf(error: unknown): string | undefined {
  const metadata = (error as ServiceError | undefined)?.metadata;
  const value = metadata?.get?.('cairn-error-code')?.[0];
  return typeof value === 'string' ? value : undefined;
}
