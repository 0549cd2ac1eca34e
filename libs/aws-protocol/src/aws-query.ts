import { AwsError, serialization, toAwsError } from './aws-error';
import { AwsHttpResponse, httpResponse } from './http-response';

export const AWS_QUERY_CONTENT_TYPE = 'text/xml';

export interface AwsQueryRequest {
  action: string;
  version: string | undefined;
  /** Every parameter except Action and Version, flat, as sent (`Tags.member.1.Key` → 'k'). */
  params: Record<string, string>;
  /** The same parameters nested: `member` lists become arrays, `entry` maps become objects. */
  input: Record<string, unknown>;
}

/**
 * Reads an awsQuery request: form-urlencoded parameters from the body (POST, what the SDKs send)
 * and from the query string (GET). Values stay strings; the model of each action gives them types.
 */
export function parseAwsQueryRequest(req: { query?: string; body: Buffer }): AwsQueryRequest {
  const params: Record<string, string> = {};
  for (const source of [req.query ?? '', req.body.toString('utf8')]) {
    for (const [key, value] of new URLSearchParams(source)) params[key] = value;
  }
  const { Action: action, Version: version, ...rest } = params;
  if (action === undefined || action === '') {
    throw new AwsError('MissingAction', 'The request must contain the parameter Action.');
  }
  return { action, version, params: rest, input: nestQueryParams(rest) };
}

type Tree = Map<string, Tree | string>;

/** `A.member.2.B=x` → `{ A: [<1>, { B: 'x' }] }`; `M.entry.1.key=k&M.entry.1.value=v` → `{ M: { k: 'v' } }`. */
export function nestQueryParams(params: Record<string, string>): Record<string, unknown> {
  const root: Tree = new Map();
  for (const [name, value] of Object.entries(params)) {
    const path = name.split('.');
    let node = root;
    path.forEach((segment, i) => {
      const existing = node.get(segment);
      if (i === path.length - 1) {
        if (existing instanceof Map) throw conflict(name);
        node.set(segment, value);
        return;
      }
      if (typeof existing === 'string') throw conflict(name);
      const child: Tree = existing ?? new Map();
      node.set(segment, child);
      node = child;
    });
  }
  return toStructure(root);
}

function conflict(name: string): AwsError {
  return serialization(`Parameter '${name}' is given both as a value and as a structure.`);
}

function toValue(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = [...node.keys()];
  if (keys.length === 1 && keys[0] === 'member') {
    const members = node.get('member')!;
    return typeof members === 'string' ? members : toList(members);
  }
  if (keys.length === 1 && keys[0] === 'entry') {
    const entries = node.get('entry')!;
    return typeof entries === 'string' ? entries : toMap(entries);
  }
  if (keys.length > 0 && keys.every(isIndex)) return toList(node);
  return toStructure(node);
}

function toStructure(node: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of node) {
    if (key !== '__proto__') out[key] = toValue(child);
  }
  return out;
}

function toList(node: Tree): unknown[] {
  return [...node.entries()]
    .filter(([index]) => isIndex(index))
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, child]) => toValue(child));
}

function toMap(node: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [, entry] of [...node.entries()].sort(([a], [b]) => Number(a) - Number(b))) {
    if (typeof entry === 'string') continue;
    const key = entry.get('key');
    const value = entry.get('value');
    if (typeof key === 'string' && key !== '__proto__' && value !== undefined) out[key] = toValue(value);
  }
  return out;
}

function isIndex(segment: string): boolean {
  return /^[1-9]\d*$/.test(segment);
}

/**
 * `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata><RequestId>`. Pass
 * `undefined` output for actions without one (IAM DeleteUser): the Result element is then left out.
 */
export function awsQueryResponse(action: string, output: unknown, requestId: string, xmlns: string): AwsHttpResponse {
  checkElementName(action);
  const result = output === undefined ? '' : element(`${action}Result`, toXml(output));
  const metadata = element('ResponseMetadata', element('RequestId', escapeXml(requestId)));
  const body = `<${action}Response xmlns="${escapeXml(xmlns)}">${result}${metadata}</${action}Response>`;
  return httpResponse(200, AWS_QUERY_CONTENT_TYPE, requestId, body);
}

/** The awsQuery error document, with the error's query-protocol code and status. */
export function awsQueryErrorResponse(thrown: unknown, requestId: string, xmlns: string): AwsHttpResponse {
  const error = toAwsError(thrown);
  const detail =
    element('Type', error.fault) + element('Code', escapeXml(error.queryCode)) + element('Message', escapeXml(error.message));
  const body =
    `<ErrorResponse xmlns="${escapeXml(xmlns)}">` +
    element('Error', detail) +
    element('RequestId', escapeXml(requestId)) +
    '</ErrorResponse>';
  return httpResponse(error.queryStatusCode, AWS_QUERY_CONTENT_TYPE, requestId, body);
}

/**
 * A value's awsQuery XML content: object members become elements in key order, arrays become
 * `<member>` items, Maps become `<entry><key/><value/></entry>`, Dates ISO-8601 (UTC, seconds),
 * byte arrays base64. null and undefined members are left out, as AWS leaves out unset members.
 */
export function toXml(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace(/\.000Z$/, 'Z');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((item) => element('member', toXml(item))).join('');
  if (value instanceof Map) {
    return [...value.entries()]
      .map(([key, item]) => element('entry', element('key', escapeXml(String(key))) + element('value', toXml(item))))
      .join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, member]) => member !== null && member !== undefined)
      .map(([key, member]) => element(key, toXml(member)))
      .join('');
  }
  return escapeXml(String(value));
}

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function element(name: string, content: string): string {
  checkElementName(name);
  return `<${name}>${content}</${name}>`;
}

function checkElementName(name: string): void {
  if (!ELEMENT_NAME.test(name)) throw new Error(`not an XML element name: ${JSON.stringify(name)}`);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ENTITIES[c]!);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};
