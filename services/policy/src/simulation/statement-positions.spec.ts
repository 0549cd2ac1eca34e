import { documentSpan, statementSpans } from './statement-positions';

describe('statementSpans', () => {
  it('places each statement of a list from its "{" to just past its "}"', () => {
    const text = ['{', '  "Version": "2012-10-17",', '  "Statement": [', '    {"Effect": "Allow", "Action": "a:B", "Resource": "*"},', '    {', '      "Effect": "Deny",', '      "Action": "a:C",', '      "Resource": "{\\"}]"', '    }', '  ]', '}'].join('\n');
    expect(statementSpans(text)).toEqual([
      { start: { line: 4, column: 5 }, end: { line: 4, column: 58 } },
      { start: { line: 5, column: 5 }, end: { line: 9, column: 6 } },
    ]);
  });

  it('places a lone statement object, after other members with nested values', () => {
    const text = '{"Id":"x","Meta":{"a":[1,{"b":"}"}]},"Statement":{"Effect":"Allow"}}';
    expect(statementSpans(text)).toEqual([{ start: { line: 1, column: 50 }, end: { line: 1, column: 68 } }]);
  });

  it('counts CRLF line ends as one line', () => {
    expect(statementSpans('{\r\n"Statement": [\r\n  {}\r\n]}')).toEqual([{ start: { line: 3, column: 3 }, end: { line: 3, column: 5 } }]);
  });

  it('gives up on text it cannot follow, and the whole document stands in', () => {
    expect(statementSpans('{"Statement": [')).toBeUndefined();
    expect(documentSpan('{\n"a": 1\n}')).toEqual({ start: { line: 1, column: 1 }, end: { line: 3, column: 2 } });
  });
});
