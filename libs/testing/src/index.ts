export { createDatabase, createTestDatabase, startPostgres, findPostgresBin, type PostgresServer } from './postgres';
export { startKafka, ensureKafkaClasspath, kafkaVersion, type KafkaServer } from './kafka';
export { ensureAwsCli, AWS_CLI_REQUIREMENTS } from './aws-cli';
export { TEST_ENV, testPostgresUrl, testKafkaBrokers, testAwsCli } from './env';
export { freePort } from './net';
export { makeTempDir, cacheDir } from './fs';
export { waitFor, delay, type WaitForOptions } from './wait';
export { run, runUnchecked, type CommandResult } from './process';
export { startPGliteServer, type PGliteServer } from './pglite';
