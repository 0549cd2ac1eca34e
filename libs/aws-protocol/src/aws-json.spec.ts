import { AwsError, throttling } from './aws-error';
import { awsJsonErrorResponse, awsJsonResponse, parseAwsJsonRequest, toAwsJson } from './aws-json';

const target = (value: string) => ({ 'x-amz-target': value, 'content-type': 'application/x-amz-json-1.1' });

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('parseAwsJsonRequest', () => {
  it('splits X-Amz-Target into prefix and operation and parses the body', () => {
    const body = Buffer.from('{"repositoryName":"demo","tags":{"team":"a"}}');
    expect(parseAwsJsonRequest({ headers: target('CodeCommit_20150413.CreateRepository'), body }, 'CodeCommit_20150413')).toEqual({
      targetPrefix: 'CodeCommit_20150413',
      operation: 'CreateRepository',
      input: { repositoryName: 'demo', tags: { team: 'a' } },
    });
  });

  it('takes an empty body as {}', () => {
    for (const body of ['', '  \n']) {
      expect(parseAwsJsonRequest({ headers: target('CodeCommit_20150413.ListRepositories'), body: Buffer.from(body) }).input).toEqual({});
    }
  });

  it.each(['', 'ListRepositories', 'CodeCommit_20150413.', 'DynamoDB_20120810.ListTables'])(
    'answers UnknownOperation for target %p',
    (value) => {
      const headers = value === '' ? {} : target(value);
      const error = thrown(() => parseAwsJsonRequest({ headers, body: Buffer.from('{}') }, 'CodeCommit_20150413'));
      expect([error.code, error.statusCode]).toEqual(['UnknownOperationException', 400]);
    },
  );

  it.each(['{"repositoryName":', '[1,2]', '"text"', 'null', '42'])('answers SerializationException for body %p', (body) => {
    const error = thrown(() =>
      parseAwsJsonRequest({ headers: target('CodeCommit_20150413.GetRepository'), body: Buffer.from(body) }),
    );
    expect([error.code, error.statusCode]).toEqual(['SerializationException', 400]);
  });

  it('drops __proto__ keys at any depth', () => {
    const body = Buffer.from('{"__proto__":{"admin":true},"a":{"__proto__":{"x":1},"b":2}}');
    const { input } = parseAwsJsonRequest({ headers: target('P.Op'), body });
    expect(input).toEqual({ a: { b: 2 } });
    expect(Object.prototype.hasOwnProperty.call(input, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});

describe('awsJsonResponse', () => {
  it('answers 200 with the awsJson content type and the request id', () => {
    const res = awsJsonResponse({ repositoryMetadata: { repositoryName: 'demo' } }, 'req-1');
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(res.body.length),
      'x-amzn-requestid': 'req-1',
    });
    expect(JSON.parse(res.body.toString())).toEqual({ repositoryMetadata: { repositoryName: 'demo' } });
  });

  it('answers {} for an operation without output', () => {
    expect(awsJsonResponse(undefined, 'r').body.toString()).toBe('{}');
  });
});

describe('toAwsJson', () => {
  it('writes timestamps as epoch seconds with millisecond fraction', () => {
    const body = awsJsonResponse({ creationDate: new Date(1_571_356_106_936), lastModifiedDate: new Date(1_700_000_000_000) }, 'r').body;
    expect(body.toString()).toBe('{"creationDate":1571356106.936,"lastModifiedDate":1700000000}');
  });

  it('writes bytes as base64, Maps as objects, and leaves out undefined members', () => {
    expect(
      toAwsJson({
        content: new Uint8Array([104, 105]),
        slice: Buffer.from('xhiy').subarray(1, 3),
        tags: new Map([['team', 'a']]),
        list: [new Date(2000), { gone: undefined, kept: null }],
        gone: undefined,
        n: 1,
        ok: true,
      }),
    ).toEqual({ content: 'aGk=', slice: 'aGk=', tags: { team: 'a' }, list: [2, { kept: null }], n: 1, ok: true });
  });
});

describe('awsJsonErrorResponse', () => {
  it('writes __type, message and x-amzn-ErrorType with the error status', () => {
    const res = awsJsonErrorResponse(new AwsError('RepositoryDoesNotExistException', 'demo does not exist'), 'req-2');
    expect(res.status).toBe(400);
    expect(res.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': 'req-2',
      'x-amzn-errortype': 'RepositoryDoesNotExistException',
    });
    expect(JSON.parse(res.body.toString())).toEqual({ __type: 'RepositoryDoesNotExistException', message: 'demo does not exist' });
  });

  it('uses the awsJson code, not the awsQuery one', () => {
    const res = awsJsonErrorResponse(throttling(), 'r');
    expect(JSON.parse(res.body.toString()).__type).toBe('ThrottlingException');
  });

  it('reports an unexpected exception as InternalFailure 500 without its message', () => {
    const res = awsJsonErrorResponse(new TypeError('secret detail'), 'r');
    expect(res.status).toBe(500);
    expect(res.headers['x-amzn-errortype']).toBe('InternalFailure');
    expect(res.body.toString()).not.toContain('secret detail');
  });
});
