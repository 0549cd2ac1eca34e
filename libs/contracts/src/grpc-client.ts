import { ChannelOptions, Client, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';

/** Channel settings shared by every internal client: big messages for pack chunks, keepalive. */
export const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_permit_without_calls': 1,
};

type ClientCtor<C> = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: ChannelOptions) => C;

/** Internal traffic stays inside the cluster network (mTLS is the mesh's job in Kubernetes). */
export function createClient<C extends Client>(ctor: ClientCtor<C>, address: string): C {
  return new ctor(address, credentials.createInsecure(), CHANNEL_OPTIONS);
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: { deadline?: Date },
  callback: (error: ServiceError | null, response: Res) => void,
) => unknown;

/** Calls a unary RPC as a promise, with a deadline so a stuck peer never hangs a request. */
export function callUnary<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, timeoutMs = 30_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
  });
}

export function isGrpcError(error: unknown, code?: status): error is ServiceError {
  return typeof error === 'object' && error !== null && 'code' in error && 'details' in error && (code === undefined || (error as ServiceError).code === code);
}
