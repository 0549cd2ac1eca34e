// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { pullRequests } from '@cairn/contracts';
import { runService } from '@cairn/runtime';
import { PullRequestsModule } from './app.module';
import { InvokeGrpcController } from './invoke/invoke.grpc.controller';

void runService({
  name: 'pull-requests',
  module: PullRequestsModule,
  grpc: (app) => [{ definition: pullRequests.PullRequestsService, implementation: app.get(InvokeGrpcController).handlers }],
});
