/**
 * What the jest global setup tells the test files, through environment variables (the only channel
 * that reaches jest's worker processes). A part that could not start is named with its reason in
 * CAIRN_TEST_<PART>_UNAVAILABLE, and the accessors below then fail the test with that reason.
 */
export const TEST_ENV = {
  postgresUrl: 'CAIRN_TEST_PG_URL',
  postgresUnavailable: 'CAIRN_TEST_PG_UNAVAILABLE',
  kafkaBrokers: 'CAIRN_TEST_KAFKA_BROKERS',
  kafkaUnavailable: 'CAIRN_TEST_KAFKA_UNAVAILABLE',
  awsCli: 'CAIRN_TEST_AWS_CLI',
  awsCliUnavailable: 'CAIRN_TEST_AWS_CLI_UNAVAILABLE',
} as const;

function required(name: string, unavailableName: string, what: string): string {
  const unavailable = process.env[unavailableName];
  if (unavailable) throw new Error(`${what} is unavailable in this test run: ${unavailable}`);
  const value = process.env[name];
  if (!value) throw new Error(`${what} is not set up: ${name} is empty (did jest's globalSetup from libs/testing run?)`);
  return value;
}

/** Admin URL (database `postgres`) of the run's PostgreSQL cluster. Prefer createTestDatabase(). */
export function testPostgresUrl(): string {
  return required(TEST_ENV.postgresUrl, TEST_ENV.postgresUnavailable, 'PostgreSQL');
}

/** host:port list of the run's Kafka broker. */
export function testKafkaBrokers(): string[] {
  return required(TEST_ENV.kafkaBrokers, TEST_ENV.kafkaUnavailable, 'Kafka')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** Path of the AWS CLI (v1) binary installed for the tests. */
export function testAwsCli(): string {
  return required(TEST_ENV.awsCli, TEST_ENV.awsCliUnavailable, 'The AWS CLI');
}
