export * from './aws-error';
export * from './http-response';
export * from './sigv4-verifier';
export * from './aws-json';
export * from './aws-query';
export * from './node-request';
export * from './json-input';
export * from './git-password';
