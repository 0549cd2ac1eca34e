import { Injectable } from '@nestjs/common';
import type { audit } from '@cairn/contracts';
import { unary } from '@cairn/runtime';
import { ChainVerifier } from '../chain/chain-verifier';
import { auditError } from '../errors';
import { LookupEventsService } from '../lookup/lookup-events.service';

/** The Audit gRPC service: CloudTrail JSON in and out for LookupEvents, and chain verification. */
@Injectable()
export class AuditGrpcController {
  constructor(
    private readonly lookup: LookupEventsService,
    private readonly verifier: ChainVerifier,
  ) {}

  readonly handlers: audit.AuditServer = {
    lookupEvents: unary(async (request: audit.LookupEventsRequest) => ({
      outputJson: JSON.stringify(await this.lookup.lookupEvents(parseInput(request.inputJson))),
    })),
    verify: unary(async (request: audit.VerifyRequest): Promise<audit.VerifyResponse> => {
      const result = await this.verifier.verify({ fromSequence: request.fromSequence > 0 ? request.fromSequence : undefined });
      return {
        ok: result.ok,
        checked: result.checked,
        firstBadSequence: result.firstBadSequence ?? 0,
        problem: result.problem ?? '',
        lastSequence: result.lastSequence,
        lastHash: result.lastHash,
      };
    }),
  };
}

function parseInput(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json || '{}');
  } catch {
    throw auditError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw auditError('SerializationException', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}
