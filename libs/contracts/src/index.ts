export * as storage from './generated/storage/v1/storage';
export * as policy from './generated/policy/v1/policy';
export * as iam from './generated/policy/v1/iam';
export * as metadata from './generated/metadata/v1/metadata';
export * as storageContent from './generated/storage/v1/content';
export * as metadataContent from './generated/metadata/v1/content';
export * from './grpc-client';
export * from './grpc-status';
export * from './repository-name';
