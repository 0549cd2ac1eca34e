// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { runService } from '@cairn/runtime';
import { ApiGatewayModule } from './app.module';
import { GatewayHttpController } from './http/gateway.http.controller';

void runService({
  name: 'api-gateway',
  module: ApiGatewayModule,
  listen: async (app) => {
    const gateway = app.get(GatewayHttpController);
    return { httpPort: await gateway.listen(), stop: () => gateway.close() };
  },
});
