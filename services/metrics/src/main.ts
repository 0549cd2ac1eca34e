// First: tracing must patch http and gRPC before anything loads them.
import '@cairn/runtime/dist/tracing-register';
import { runService } from '@cairn/runtime';
import { MetricsModule } from './app.module';

/**
 * Platform metrics derived from events (pushes, pulls, bytes, pull requests, denials per
 * repository), served on this service's metrics port next to its own process metrics.
 */
void runService({ name: 'metrics', module: MetricsModule });
