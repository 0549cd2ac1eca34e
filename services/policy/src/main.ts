// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { iam, policy } from '@cairn/contracts';
import { runService } from '@cairn/runtime';
import { PolicyModule } from './app.module';
import { PolicyGrpcController } from './policy.grpc.controller';
import { IamGrpcController } from './iam/iam.grpc.controller';

void runService({
  name: 'policy',
  module: PolicyModule,
  grpc: (app) => [
    { definition: policy.PolicyService, implementation: app.get(PolicyGrpcController).implementation },
    { definition: iam.IamService, implementation: app.get(IamGrpcController).implementation },
  ],
});
