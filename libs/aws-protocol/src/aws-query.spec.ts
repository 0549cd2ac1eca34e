import { AwsError, invalidSignature } from './aws-error';
import { awsQueryErrorResponse, awsQueryResponse, nestQueryParams, parseAwsQueryRequest, toXml } from './aws-query';

const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('parseAwsQueryRequest', () => {
  it('reads Action, Version and nested members from a form body', () => {
    const body = Buffer.from(
      'Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Fteam%2F' +
        '&Tags.member.1.Key=team&Tags.member.1.Value=a+b&Tags.member.2.Key=cost&Tags.member.2.Value=42',
    );
    expect(parseAwsQueryRequest({ body })).toEqual({
      action: 'CreateUser',
      version: '2010-05-08',
      params: {
        UserName: 'alice',
        Path: '/team/',
        'Tags.member.1.Key': 'team',
        'Tags.member.1.Value': 'a b',
        'Tags.member.2.Key': 'cost',
        'Tags.member.2.Value': '42',
      },
      input: {
        UserName: 'alice',
        Path: '/team/',
        Tags: [
          { Key: 'team', Value: 'a b' },
          { Key: 'cost', Value: '42' },
        ],
      },
    });
  });

  it('reads the query string of a GET too', () => {
    const req = parseAwsQueryRequest({ query: 'Action=GetUser&Version=2010-05-08&UserName=bob', body: Buffer.alloc(0) });
    expect([req.action, req.input]).toEqual(['GetUser', { UserName: 'bob' }]);
  });

  it('answers MissingAction without an Action', () => {
    const error = thrown(() => parseAwsQueryRequest({ body: Buffer.from('Version=2010-05-08') }));
    expect([error.queryCode, error.queryStatusCode]).toEqual(['MissingAction', 400]);
  });
});

describe('nestQueryParams', () => {
  it('orders member lists by index, not by arrival', () => {
    expect(nestQueryParams({ 'L.member.10': 'j', 'L.member.2': 'b', 'L.member.1': 'a' })).toEqual({ L: ['a', 'b', 'j'] });
  });

  it('reads entry maps, flattened lists and nested structures', () => {
    expect(
      nestQueryParams({
        'Attributes.entry.1.key': 'Policy',
        'Attributes.entry.1.value': '{}',
        'Attributes.entry.2.key': 'Name',
        'Attributes.entry.2.value': 'x',
        'Flat.1': 'one',
        'Flat.2': 'two',
        'Outer.Inner.Leaf': 'v',
        'Outer.List.member.1.Deep.member.1': 'd',
      }),
    ).toEqual({
      Attributes: { Policy: '{}', Name: 'x' },
      Flat: ['one', 'two'],
      Outer: { Inner: { Leaf: 'v' }, List: [{ Deep: ['d'] }] },
    });
  });

  it('keeps an empty list marker as the empty string it is on the wire', () => {
    expect(nestQueryParams({ Tags: '' })).toEqual({ Tags: '' });
  });

  it('rejects a name used both as a value and as a structure', () => {
    expect(thrown(() => nestQueryParams({ A: '1', 'A.B': '2' })).code).toBe('SerializationException');
    expect(thrown(() => nestQueryParams({ 'A.B': '2', A: '1' })).code).toBe('SerializationException');
  });

  it('never writes __proto__', () => {
    const out = nestQueryParams({ '__proto__.admin': 'true', 'M.entry.1.key': '__proto__', 'M.entry.1.value': 'x' });
    expect(out).toEqual({ M: {} });
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});

describe('awsQueryResponse', () => {
  it('wraps the output in Response/Result with ResponseMetadata', () => {
    const res = awsQueryResponse(
      'GetUser',
      { User: { UserName: 'alice', CreateDate: new Date('2024-01-02T03:04:05Z') } },
      'req-1',
      IAM_NS,
    );
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'text/xml', 'content-length': String(res.body.length), 'x-amzn-requestid': 'req-1' });
    expect(res.body.toString()).toBe(
      `<GetUserResponse xmlns="${IAM_NS}"><GetUserResult><User><UserName>alice</UserName>` +
        '<CreateDate>2024-01-02T03:04:05Z</CreateDate></User></GetUserResult>' +
        '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetUserResponse>',
    );
  });

  it('leaves out the Result element for an action without output', () => {
    expect(awsQueryResponse('DeleteUser', undefined, 'r', IAM_NS).body.toString()).toBe(
      `<DeleteUserResponse xmlns="${IAM_NS}"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteUserResponse>`,
    );
  });

  it('refuses an action that is not an element name', () => {
    expect(() => awsQueryResponse('Get User', {}, 'r', IAM_NS)).toThrow(/not an XML element name/);
  });
});

describe('toXml', () => {
  it('writes lists as member, Maps as entry, bytes as base64 and skips null members', () => {
    expect(
      toXml({
        Users: [{ UserName: 'a' }, { UserName: 'b' }],
        SummaryMap: new Map([['Users', 2]]),
        Blob: new Uint8Array([104, 105]),
        IsTruncated: false,
        Marker: undefined,
        Gone: null,
        At: new Date('2024-01-02T03:04:05.678Z'),
      }),
    ).toBe(
      '<Users><member><UserName>a</UserName></member><member><UserName>b</UserName></member></Users>' +
        '<SummaryMap><entry><key>Users</key><value>2</value></entry></SummaryMap>' +
        '<Blob>aGk=</Blob><IsTruncated>false</IsTruncated><At>2024-01-02T03:04:05.678Z</At>',
    );
  });

  it('escapes text', () => {
    expect(toXml({ Doc: `{"a":"<b> & 'c'"}\r\n` })).toBe('<Doc>{&quot;a&quot;:&quot;&lt;b&gt; &amp; &apos;c&apos;&quot;}&#xD;\n</Doc>');
  });

  it('refuses member names that are not XML element names', () => {
    expect(() => toXml({ 'a b': 1 })).toThrow(/not an XML element name/);
    expect(() => toXml({ '<x>': 1 })).toThrow(/not an XML element name/);
  });
});

describe('awsQueryErrorResponse', () => {
  it('writes the ErrorResponse document with the query code and status', () => {
    const res = awsQueryErrorResponse(invalidSignature('Signature expired: x'), 'req-9', IAM_NS);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(res.body.toString()).toBe(
      `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>` +
        '<Message>Signature expired: x</Message></Error><RequestId>req-9</RequestId></ErrorResponse>',
    );
  });

  it('reports an unexpected exception as a Receiver InternalFailure 500', () => {
    const res = awsQueryErrorResponse(new Error('detail <leak>'), 'r', IAM_NS);
    expect(res.status).toBe(500);
    expect(res.body.toString()).toContain('<Type>Receiver</Type><Code>InternalFailure</Code>');
    expect(res.body.toString()).not.toContain('leak');
  });
});
