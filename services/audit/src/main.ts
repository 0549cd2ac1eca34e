// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { audit } from '@cairn/contracts';
import { runService } from '@cairn/runtime';
import { AuditModule } from './app.module';
import { AuditGrpcController } from './grpc/audit.grpc.controller';

void runService({
  name: 'audit',
  module: AuditModule,
  grpc: (app) => [{ definition: audit.AuditService, implementation: app.get(AuditGrpcController).handlers }],
});
