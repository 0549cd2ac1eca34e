import { randomUUID } from 'node:crypto';
import { isValidRefName } from '@cairn/git';
import { GrpcStatus, RpcError } from '@cairn/contracts';
import { StoredTrigger } from './trigger.entities';

const MAX_TRIGGERS = 10;
const MAX_BRANCHES = 100;
const MAX_CUSTOM_DATA = 1000;
const MAX_NAME = 100;
const EVENTS = ['all', 'updateReference', 'createReference', 'deleteReference'];
const ZERO = '0'.repeat(40);

/** Every trigger check fails as a bad request, named as CodeCommit names it. */
const invalid = (code: string, message: string) => new RpcError(GrpcStatus.INVALID_ARGUMENT, code, message);

/** Where a trigger's messages go: a webhook, a topic on the platform's stream Kafka, or AWS (recorded, not sent). */
export type Destination = { kind: 'webhook'; url: string } | { kind: 'kafka'; topic: string } | { kind: 'aws'; arn: string };

const KAFKA_DESTINATION = /^kafka:\/\/(.*)$/i;
/** Kafka's own rule for topic names. */
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export function destinationOf(destinationArn: string): Destination {
  if (/^https?:\/\//i.test(destinationArn)) return { kind: 'webhook', url: destinationArn };
  const kafka = KAFKA_DESTINATION.exec(destinationArn);
  if (kafka) return { kind: 'kafka', topic: kafka[1]! };
  return { kind: 'aws', arn: destinationArn };
}

export interface TriggerCapabilities {
  /** Whether a stream Kafka is configured for `kafka://<topic>` destinations. */
  kafka: boolean;
}

/** CodeCommit's checks of a trigger list, in its order; region is the platform's. */
export function validateTriggers(triggers: StoredTrigger[], region: string, capabilities: TriggerCapabilities = { kafka: false }): void {
  if (triggers.length > MAX_TRIGGERS) throw invalid('MaximumRepositoryTriggersExceededException', `A repository can have at most ${MAX_TRIGGERS} triggers.`);
  const names = new Set<string>();
  for (const t of triggers) {
    if (!t.name) throw invalid('RepositoryTriggerNameRequiredException', 'A trigger name is required.');
    if (t.name.length > MAX_NAME || names.has(t.name)) throw invalid('InvalidRepositoryTriggerNameException', `The trigger name ${t.name} is not valid or is used twice.`);
    names.add(t.name);
    if (!t.destinationArn) throw invalid('RepositoryTriggerDestinationArnRequiredException', `A destination is required for trigger ${t.name}.`);
    const destination = destinationOf(t.destinationArn);
    if (destination.kind === 'webhook') {
      let url: URL | undefined;
      try {
        url = new URL(destination.url);
      } catch {
        url = undefined;
      }
      if (!url || url.username || url.password) throw invalid('InvalidRepositoryTriggerDestinationArnException', `The destination ${t.destinationArn} is not a valid webhook URL (credentials do not belong in it).`);
    } else if (destination.kind === 'kafka') {
      if (!KAFKA_TOPIC.test(destination.topic) || destination.topic === '.' || destination.topic === '..') {
        throw invalid('InvalidRepositoryTriggerDestinationArnException', `The destination ${t.destinationArn} does not name a valid Kafka topic (letters, digits, '.', '_', '-'; at most 249).`);
      }
      if (!capabilities.kafka) throw invalid('InvalidRepositoryTriggerDestinationArnException', `The destination ${t.destinationArn} is a Kafka topic, and this installation has no stream Kafka configured (CAIRN_STREAM_KAFKA_BROKERS).`);
    } else {
      const arn = /^arn:aws:(sns|lambda):([a-z0-9-]+):(\d{12}):.+$/.exec(destination.arn);
      if (!arn) throw invalid('InvalidRepositoryTriggerDestinationArnException', `The destination ${t.destinationArn} is neither a webhook URL, a kafka://<topic>, nor an SNS topic or Lambda function ARN.`);
      if (arn[2] !== region) throw invalid('InvalidRepositoryTriggerRegionException', `The destination ${t.destinationArn} is not in ${region}.`);
    }
    if (t.customData.length > MAX_CUSTOM_DATA) throw invalid('InvalidRepositoryTriggerCustomDataException', `Custom data is limited to ${MAX_CUSTOM_DATA} characters.`);
    if (t.branches.length > MAX_BRANCHES) throw invalid('MaximumBranchesExceededException', `A trigger can name at most ${MAX_BRANCHES} branches.`);
    for (const b of t.branches) if (!b || b.length > 256 || !isValidRefName(`refs/heads/${b}`)) throw invalid('InvalidRepositoryTriggerBranchNameException', `The branch name ${b} is not valid.`);
    if (t.events.length === 0) throw invalid('RepositoryTriggerEventsListRequiredException', `Events are required for trigger ${t.name}.`);
    if (t.events.some((e) => !EVENTS.includes(e)) || (t.events.includes('all') && t.events.length > 1)) {
      throw invalid('InvalidRepositoryTriggerEventsException', `The events of trigger ${t.name} are not valid ("all" must be alone).`);
    }
  }
}

export interface ReferenceChange {
  ref: string;
  oldId: string;
  newId: string;
}

/** The references of a push a trigger fires for, in the payload's shape. */
export function matchingReferences(trigger: StoredTrigger, updates: ReferenceChange[]) {
  const fires = (event: string) => trigger.events.includes('all') || trigger.events.includes(event);
  return updates
    .filter((u) => (trigger.branches.length === 0 ? u.ref.startsWith('refs/heads/') || u.ref.startsWith('refs/tags/') : trigger.branches.some((b) => u.ref === `refs/heads/${b}`)))
    .filter((u) => fires(u.oldId === ZERO ? 'createReference' : u.newId === ZERO ? 'deleteReference' : 'updateReference'))
    .map((u) => ({ commit: u.newId === ZERO ? u.oldId : u.newId, ref: u.ref, ...(u.oldId === ZERO ? { created: true } : {}), ...(u.newId === ZERO ? { deleted: true } : {}) }));
}

/** CodeCommit's trigger message: one record per trigger and push. */
export function triggerPayload(args: {
  region: string;
  repositoryArn: string;
  configurationId: string;
  trigger: StoredTrigger;
  references: ReturnType<typeof matchingReferences>;
  actorArn: string;
  eventTime: Date;
  eventId?: string;
}): string {
  return JSON.stringify({
    Records: [
      {
        awsRegion: args.region,
        codecommit: { references: args.references },
        customData: args.trigger.customData || undefined,
        eventId: args.eventId ?? randomUUID(),
        eventName: 'ReferenceChange',
        eventPartNumber: 1,
        eventSource: 'aws:codecommit',
        eventSourceARN: args.repositoryArn,
        eventTime: args.eventTime.toISOString().replace('Z', '+0000'),
        eventTotalParts: 1,
        eventTriggerConfigId: args.configurationId,
        eventTriggerName: args.trigger.name,
        eventVersion: '1.0',
        userIdentityARN: args.actorArn,
      },
    ],
  });
}
