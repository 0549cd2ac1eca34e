export * from './merge-input';
export * from './file-modes';
