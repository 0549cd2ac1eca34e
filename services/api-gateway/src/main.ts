import { runService } from '@cairn/runtime';
import { ApiGatewayModule } from './app.module';
import { GatewayHttpController } from './http/gateway.http.controller';

void runService({
  name: 'api-gateway',
  module: ApiGatewayModule,
  listen: async (app) => {
    const gateway = app.get(GatewayHttpController);
    const port = await gateway.listen();
    process.send?.({ type: 'listening', name: 'api-gateway', httpPort: port });
    return () => gateway.close();
  },
});
