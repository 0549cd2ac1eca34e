export * from './config';
export * from './logger';
export * from './grpc-server';
export * from './metrics-server';
export * from './database';
export * from './service-main';
export * from './grpc-handlers';
export * from './client-address';
