import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, loadGatewayConfig } from './config';
import { Upstreams } from './upstreams';
import { RepositoryOperations } from './codecommit/repository-operations';
import { GatewayHttpController } from './http/gateway.http.controller';

@Module({
  providers: [{ provide: GATEWAY_CONFIG, useFactory: loadGatewayConfig }, Upstreams, RepositoryOperations, GatewayHttpController],
})
export class ApiGatewayModule {}
