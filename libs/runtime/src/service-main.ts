import 'reflect-metadata';
import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcRegistration, RunningGrpcServer, startGrpcServer } from './grpc-server';
import { Logger } from './logger';
import { MetricsServer } from './metrics-server';
import { shutdownTracing } from './tracing';

export interface ServiceHooks {
  /** gRPC services to serve, resolved from the Nest application context. */
  grpc?: (app: INestApplicationContext) => GrpcRegistration[];
  /** Extra listeners (HTTP, SSH) to start once the context is ready. */
  listen?: (app: INestApplicationContext) => Promise<{ httpPort: number; stop: () => Promise<void> }>;
}

export interface ServiceOptions extends ServiceHooks {
  name: string;
  module: Type<unknown>;
}

/**
 * Boots one service process: the Nest context (modules, providers), its gRPC server, its
 * metrics port, and clean shutdown on SIGTERM/SIGINT. When started by the all-in-one supervisor
 * it reports its bound ports over IPC, so ports can be chosen by the OS (port 0).
 */
export async function runService(options: ServiceOptions): Promise<void> {
  const logger = new Logger(options.name);
  const host = process.env.CAIRN_BIND_HOST ?? '127.0.0.1';
  try {
    const app = await NestFactory.createApplicationContext(options.module, { logger: ['error', 'warn'], abortOnError: false });
    const metrics = new MetricsServer(options.name);
    const metricsPort = await metrics.listen(host, Number(process.env.CAIRN_METRICS_PORT ?? 0));
    let grpc: RunningGrpcServer | undefined;
    if (options.grpc) grpc = await startGrpcServer(host, Number(process.env.CAIRN_GRPC_PORT ?? 0), options.grpc(app));
    const listener = options.listen ? await options.listen(app) : undefined;
    logger.info('started', { grpcPort: grpc?.port, metricsPort, httpPort: listener?.httpPort });
    process.send?.({ type: 'ready', name: options.name, grpcPort: grpc?.port ?? 0, metricsPort, httpPort: listener?.httpPort });

    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await listener?.stop();
      await grpc?.stop();
      await metrics.close();
      await app.close();
      await shutdownTracing();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop());
    process.on('SIGINT', () => void stop());
    // The supervisor going away must not leave orphans behind.
    process.on('disconnect', () => void stop());
  } catch (error) {
    logger.error('failed to start', { error });
    process.exit(1);
  }
}
