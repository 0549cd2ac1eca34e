import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EVENTS_TOPIC } from './kafka-event-log';
import { KAFKA_TOPICS } from './topics';

const ROOT = join(__dirname, '..', '..', '..');

describe('KAFKA_TOPICS', () => {
  const topics = Object.values(KAFKA_TOPICS);

  it('names every topic once, with its version', () => {
    for (const topic of topics) expect(topic.name).toMatch(/^cairn\.[a-z][a-z-]*\.v[1-9]\d*$/);
    expect(new Set(topics.map((t) => t.name)).size).toBe(topics.length);
  });

  it('is frozen, entries included', () => {
    expect(Object.isFrozen(KAFKA_TOPICS)).toBe(true);
    for (const topic of topics) expect(Object.isFrozen(topic)).toBe(true);
    expect(() => {
      (KAFKA_TOPICS.events as { name: string }).name = 'cairn.events';
    }).toThrow(TypeError);
  });

  it('gives the Kafka event log its default topic', () => {
    expect(DEFAULT_EVENTS_TOPIC).toBe(KAFKA_TOPICS.events.name);
    expect(KAFKA_TOPICS.events.status).toBe('in use');
  });

  it('is what the chart and the Strimzi example spell', () => {
    const values = readFileSync(join(ROOT, 'charts/cairn/values.yaml'), 'utf8');
    expect(/^kafka:\n(?: .*\n)*? {2}topic: (\S+)$/m.exec(values)?.[1]).toBe(KAFKA_TOPICS.events.name);
    const strimzi = readFileSync(join(ROOT, 'k8s/examples/strimzi/kafka.yaml'), 'utf8');
    const declared = [...strimzi.matchAll(/kind: KafkaTopic\nmetadata:\n {2}name: (\S+)/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(0);
    const known = new Set<string>(topics.map((t) => t.name));
    for (const name of declared) expect(known).toContain(name);
  });
});
