import { randomUUID } from 'node:crypto';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { waitFor } from '@cairn/testing';
import { createEnvelope, type AnyEventEnvelope, type EventEnvelope, type EventHandler } from '../src';

/** Stands in for a service's own table: the "change" that an event describes. */
@Entity({ name: 'widgets' })
export class Widget {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;
}

export async function openDataSource(url: string, entities: DataSource['options']['entities'], poolSize = 4): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'postgres', url, entities, synchronize: true, logging: false, poolSize });
  return dataSource.initialize();
}

export function repositoryCreated(repositoryId = randomUUID(), name = `repo-${repositoryId.slice(0, 8)}`): EventEnvelope<'repository.created'> {
  return createEnvelope('test', 'repository.created', {
    repositoryId,
    repositoryName: name,
    accountId: '123456789012',
    arn: `arn:aws:codecommit:us-east-1:123456789012:${name}`,
    actorArn: 'arn:aws:iam::123456789012:user/admin',
  });
}

export function referencesUpdated(repositoryId: string, n: number): EventEnvelope<'references.updated'> {
  return createEnvelope('test', 'references.updated', {
    repositoryId,
    repositoryName: 'r',
    accountId: '123456789012',
    actorArn: 'arn:aws:iam::123456789012:user/admin',
    updates: [{ ref: 'refs/heads/main', oldId: String(n).padStart(40, '0'), newId: String(n + 1).padStart(40, '0') }],
  });
}

/** A handler that records what it receives, and a way to wait until it has seen enough. */
export function collector(): { handler: EventHandler; events: AnyEventEnvelope[]; waitForCount(n: number, timeoutMs?: number): Promise<AnyEventEnvelope[]> } {
  const events: AnyEventEnvelope[] = [];
  return {
    events,
    handler: async (event) => {
      events.push(event);
    },
    waitForCount: (n, timeoutMs = 20_000) => waitFor(() => events.length >= n && events, timeoutMs, { description: `${n} events` }),
  };
}

/** Silences the library's logs in tests, keeping them for assertions. */
export function quietLogger(): { logger: { info: () => void; warn: (m: string) => void; error: (m: string) => void }; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) } };
}
