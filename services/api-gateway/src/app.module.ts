import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, loadGatewayConfig } from './config';
import { Upstreams } from './upstreams';
import { RepositoryOperations } from './codecommit/repository-operations';
import { GatewayHttpController } from './http/gateway.http.controller';
import { IamOperations } from './iam/iam-operations';

@Module({
  providers: [{ provide: GATEWAY_CONFIG, useFactory: loadGatewayConfig }, Upstreams, RepositoryOperations, IamOperations, GatewayHttpController],
})
export class ApiGatewayModule {}
