import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { cacheDir } from './fs';
import { freePort } from './net';
import { closeLog, openLog, run, runUnchecked, spawnReaper, tail, withFileLock } from './process';
import { delay } from './wait';

/** The pom that names the broker's classpath; its <kafka.version> names the cache folder. */
export const KAFKA_POM = resolve(__dirname, '..', 'kafka', 'pom.xml');

export interface KafkaServer {
  /** host:port of the PLAINTEXT listener. */
  brokers: string;
  version: string;
  /** Stops the broker (SIGTERM) and removes its data. */
  stop(): Promise<void>;
  /** Ends the broker with SIGKILL, as a crash would; its ports and data stay, for restart(). */
  kill(): Promise<void>;
  /**
   * Starts the broker again after kill(), on the same ports and log dir (so with the topics,
   * messages and committed offsets it had), and resolves once it serves again.
   */
  restart(options?: { startTimeoutMs?: number }): Promise<void>;
}

export function kafkaVersion(): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(KAFKA_POM, 'utf8'));
  if (!match) throw new Error(`no <kafka.version> in ${KAFKA_POM}`);
  return match[1].trim();
}

/**
 * The broker's jars, copied by Maven from Maven Central into $HOME/.cache/cairn/kafka-<version> once
 * (a marker holds the pom's hash, so editing the pom fetches again).
 */
export async function ensureKafkaClasspath(): Promise<string> {
  const pom = readFileSync(KAFKA_POM);
  const stamp = createHash('sha256').update(pom).digest('hex');
  const target = cacheDir(`kafka-${kafkaVersion()}`);
  const marker = join(target, '.complete');
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8') === stamp;
  if (ready()) return target;
  return withFileLock(target, async () => {
    if (ready()) return target;
    const staging = `${target}.partial`;
    rmSync(staging, { recursive: true, force: true });
    await run('mvn', ['-q', '-B', '-f', KAFKA_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`]);
    if (!readdirSync(staging).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) throw new Error(`Maven copied no kafka_2.13 jar into ${staging}`);
    writeFileSync(join(staging, '.complete'), stamp);
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    return target;
  });
}

export async function javaCommand(): Promise<string> {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = await runUnchecked(java, ['-version']).catch((error: Error) => ({ code: -1, stdout: '', stderr: error.message }));
  const major = /version "(\d+)/.exec(result.stderr)?.[1];
  if (result.code !== 0 || !major) throw new Error(`no usable java (${java}): ${result.stderr.trim()} (run scripts/ensure-system-deps.sh)`);
  if (Number(major) < 17) throw new Error(`Kafka 4 needs Java 17 or newer; ${java} is ${major}`);
  return java;
}

/**
 * Starts a single-node KRaft broker (broker and controller in one JVM) on free loopback ports with
 * a private log dir, and resolves once a kafkajs admin client can describe the cluster. kill() and
 * restart() crash it and bring it back on the same ports and data, for failure tests.
 */
export interface StartKafkaOptions {
  startTimeoutMs?: number;
  /**
   * More server.properties entries, over the defaults. E.g. a failure test that restarts the broker
   * after kill() can lower `broker.session.timeout.ms` (9 s by default): a restarted broker may not
   * register again before its previous incarnation's session expired.
   */
  config?: Record<string, string | number>;
}

export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaServer> {
  const { startTimeoutMs = 90_000, config = {} } = options;
  const [java, classpath] = await Promise.all([javaCommand(), ensureKafkaClasspath()]);
  const version = kafkaVersion();

  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-kafka-'));
    try {
      return await startBroker(java, classpath, dir, version, startTimeoutMs, config);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      // A port taken between freePort() and the broker's bind is worth another try; nothing else is.
      if (attempt >= 3 || !/BindException|Address already in use/.test(String(error))) throw error;
    }
  }
}

async function startBroker(java: string, classpath: string, dir: string, version: string, timeoutMs: number, config: Record<string, string | number>): Promise<KafkaServer> {
  const [port, controllerPort] = await Promise.all([freePort(), freePort()]);
  const properties = join(dir, 'server.properties');
  const log4j = join(dir, 'log4j2.properties');
  const serverLog = join(dir, 'server.log');
  const consoleLog = join(dir, 'console.log');
  writeFileSync(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      ...Object.entries(config).map(([key, value]) => `${key}=${value}`),
      '',
    ].join('\n'),
  );
  writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.file.type = File',
      'appender.file.name = file',
      `appender.file.fileName = ${serverLog}`,
      'appender.file.layout.type = PatternLayout',
      'appender.file.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = info',
      'rootLogger.appenderRef.file.ref = file',
      '',
    ].join('\n'),
  );
  const jvm = [
    '-Xmx512m',
    '-Xms128m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1', // C1 only: a second faster to start, and test traffic never needs C2
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    `${classpath}/*`,
  ];
  // An id starting with "-" would be read as an option by StorageTool's argument parser (1 run in 64).
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  await run(java, [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties]);

  const broker = `127.0.0.1:${port}`;
  const logs = () => `${tail(consoleLog)}\n${tail(serverLog)}`;
  // The running JVM, if any, and a reaper that cleans up after this process if it dies first.
  let child: ChildProcess | undefined;
  let reaper: ChildProcess | undefined;
  const watch = (cleanup: string) => {
    reaper?.kill('SIGKILL');
    reaper = spawnReaper(process.pid, cleanup);
  };
  const launch = async (startTimeoutMs: number) => {
    const fd = openLog(consoleLog);
    const started = spawn(java, [...jvm, 'kafka.Kafka', properties], { stdio: ['ignore', fd, fd] });
    started.unref(); // the reaper and stop() end it; it must not hold jest's process open
    closeLog(fd);
    child = started;
    watch(`kill -9 ${started.pid} 2>/dev/null; rm -rf ${dir}`);
    await waitUntilServing(broker, started, startTimeoutMs, logs);
  };
  const stop = async () => {
    if (child) await stopChild(child);
    child = undefined;
    reaper?.kill('SIGKILL');
    reaper = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (!child) return;
    await killChild(child);
    child = undefined;
    watch(`rm -rf ${dir}`);
  };
  const restart = async ({ startTimeoutMs = timeoutMs }: { startTimeoutMs?: number } = {}) => {
    if (child) throw new Error(`the Kafka broker at ${broker} is running: kill() it before restart()`);
    if (!existsSync(dir)) throw new Error(`the Kafka broker at ${broker} was stopped: its data is gone`);
    try {
      await launch(startTimeoutMs);
    } catch (error) {
      if (child) await killChild(child);
      child = undefined;
      throw error;
    }
  };
  try {
    await launch(timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { brokers: broker, version, stop, kill, restart };
}

async function waitUntilServing(broker: string, child: ChildProcess, timeoutMs: number, logs: () => string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'cairn-test-harness',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Kafka broker exited (${child.exitCode ?? child.signalCode}) while starting:\n${logs()}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      // A group request creates __consumer_offsets and loads its coordinator, so the tests' first
      // consumer group does not meet "coordinator not available" (which kafkajs' admin won't retry).
      if (cluster.brokers.length > 0 && cluster.controller !== null) {
        await admin.fetchOffsets({ groupId: 'cairn-test-harness-warmup' });
        return;
      }
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`the Kafka broker did not answer within ${timeoutMs} ms (${lastError}):\n${logs()}`);
    await delay(100);
  }
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.ref(); // an unref'd child's exit would not keep this process up to see it
  child.kill('SIGKILL');
  await exited;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
