export * from './merge-input';
