import { serialization, toAwsError, unknownOperation } from './aws-error';
import { AwsHttpResponse, httpResponse } from './http-response';

export const AWS_JSON_1_1_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface AwsJsonRequest {
  /** e.g. `CodeCommit_20150413`. */
  targetPrefix: string;
  /** e.g. `CreateRepository`. */
  operation: string;
  input: Record<string, unknown>;
}

/**
 * Reads an awsJson1_1 request: `X-Amz-Target: <Prefix>.<Operation>` and a JSON object body
 * (an empty body means `{}`). Pass `expectedPrefix` to reject other services' targets.
 */
export function parseAwsJsonRequest(
  req: { headers: Record<string, string>; body: Buffer },
  expectedPrefix?: string,
): AwsJsonRequest {
  const target = req.headers['x-amz-target'] ?? '';
  const dot = target.lastIndexOf('.');
  const targetPrefix = dot === -1 ? '' : target.slice(0, dot);
  const operation = dot === -1 ? '' : target.slice(dot + 1);
  if (targetPrefix === '' || operation === '' || (expectedPrefix !== undefined && targetPrefix !== expectedPrefix)) {
    throw unknownOperation(target);
  }
  return { targetPrefix, operation, input: parseJsonObject(req.body) };
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    // Dropping `__proto__` keys keeps request input from reaching object prototypes later.
    parsed = JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch (err) {
    throw serialization(`Could not parse the request body as JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw serialization('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** 200 with the output serialized as awsJson (`{}` when the operation has no output). */
export function awsJsonResponse(output: unknown, requestId: string): AwsHttpResponse {
  return httpResponse(200, AWS_JSON_1_1_CONTENT_TYPE, requestId, JSON.stringify(toAwsJson(output ?? {})));
}

/**
 * The error shape every AWS SDK reads: `{"__type","message"}` plus `x-amzn-ErrorType`, which the
 * JS SDK checks first. Anything that is not an AwsError is reported as InternalFailure.
 */
export function awsJsonErrorResponse(thrown: unknown, requestId: string): AwsHttpResponse {
  const error = toAwsError(thrown);
  const response = httpResponse(
    error.statusCode,
    AWS_JSON_1_1_CONTENT_TYPE,
    requestId,
    JSON.stringify({ __type: error.code, message: error.message }),
  );
  response.headers['x-amzn-errortype'] = error.code;
  return response;
}

/**
 * Domain values to awsJson values: timestamps become epoch seconds with millisecond fraction
 * (`1571356106.936`, as CodeCommit sends them), blobs become base64, Maps become objects.
 */
export function toAwsJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toAwsJson);
  if (value instanceof Map) return toAwsJson(Object.fromEntries(value));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = toAwsJson(member);
    }
    return out;
  }
  return value;
}
