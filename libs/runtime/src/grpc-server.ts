import { Server, ServerCredentials, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { CHANNEL_OPTIONS } from '@cairn/contracts';

export interface GrpcRegistration {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface RunningGrpcServer {
  port: number;
  stop(): Promise<void>;
}

export async function startGrpcServer(host: string, port: number, registrations: GrpcRegistration[]): Promise<RunningGrpcServer> {
  const server = new Server(CHANNEL_OPTIONS);
  for (const r of registrations) server.addService(r.definition, r.implementation);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        // Give in-flight calls a moment, then cut them: a stop must not hang on a slow clone.
        const timer = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
