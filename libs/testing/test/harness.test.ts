import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, freePort, makeTempDir, run, testAwsCli, testKafkaBrokers, waitFor } from '@cairn/testing';

async function currentDatabase(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ db: string }>('SELECT current_database() AS db');
    return result.rows[0].db;
  } finally {
    await client.end();
  }
}

describe('the harness started by the jest global setup', () => {
  it('gives each createTestDatabase() call its own database', async () => {
    const [a, b] = await Promise.all([createTestDatabase('harness'), createTestDatabase('harness')]);
    expect(a).not.toEqual(b);
    const [dbA, dbB] = await Promise.all([currentDatabase(a), currentDatabase(b)]);
    expect(dbA).toMatch(/^harness_[0-9a-f]{12}$/);
    expect(dbB).not.toEqual(dbA);
  });

  it('serves a Kafka broker that kafkajs can talk to', async () => {
    const kafka = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = `harness-${Date.now()}`;
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions).toHaveLength(2);
    } finally {
      await admin.disconnect();
    }
  });

  it('installs an AWS CLI v1 binary', async () => {
    const aws = testAwsCli();
    const { stdout, stderr } = await run(aws, ['--version'], { env: { ...process.env, AWS_CONFIG_FILE: '/dev/null' } });
    expect(`${stdout}${stderr}`).toMatch(/^aws-cli\/1\./);
    expect(existsSync(join(aws, '..', 'git-remote-codecommit'))).toBe(true);
  });
});

describe('helpers', () => {
  it('freePort() returns distinct bindable ports', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });

  it('makeTempDir() makes an empty, writable directory', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'x'), 'y');
    expect(existsSync(join(dir, 'x'))).toBe(true);
  });

  it('waitFor() resolves with the first truthy value and times out with the last error', async () => {
    let n = 0;
    await expect(waitFor(() => (++n >= 3 ? n : 0), 1000, { intervalMs: 1 })).resolves.toBe(3);
    await expect(
      waitFor(() => {
        throw new Error('not yet');
      }, 50, { intervalMs: 5, description: 'the impossible' }),
    ).rejects.toThrow(/the impossible: not yet/);
  });
});
