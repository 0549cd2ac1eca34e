export * from './git-command';
export * from './git.errors';
export * from './pkt-line';
export * from './receive-commands';
