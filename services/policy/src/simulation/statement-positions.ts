/**
 * Where each statement of a policy sits in the document's text, for SimulatePrincipalPolicy's
 * StartPosition/EndPosition. JSON.parse keeps no offsets, so this is a small scanner that only
 * follows the structure far enough to find the top-level `Statement` value. Documents reaching it
 * were validated already (stored, or parsed just before), so it does not re-check the grammar.
 */

/** 1-based line and column, as IAM reports them. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** From the statement's `{` to just after its `}` (IAM's EndPosition points past the brace). */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/** The spans of the document's statements in order (one for a lone statement object); undefined when the text cannot be followed. */
export function statementSpans(json: string): Span[] | undefined {
  try {
    const scanner = new Scanner(json);
    return scanner.statementOffsets().map(([start, end]) => ({ start: scanner.position(start), end: scanner.position(end) }));
  } catch {
    return undefined;
  }
}

/** The whole document as one span: what a statement that cannot be located is reported with. */
export function documentSpan(json: string): Span {
  const scanner = new Scanner(json);
  return { start: { line: 1, column: 1 }, end: scanner.position(json.length) };
}

class Scanner {
  private i = 0;
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** [start, end) offsets of the entries of the root object's last `Statement` member (JSON.parse keeps the last duplicate too). */
  statementOffsets(): [number, number][] {
    let found: [number, number][] = [];
    this.ws();
    this.expect('{');
    this.ws();
    if (this.peek() === '}') return found;
    for (;;) {
      this.ws();
      const keyStart = this.i;
      this.string();
      const key = JSON.parse(this.text.slice(keyStart, this.i)) as string;
      this.ws();
      this.expect(':');
      this.ws();
      if (key === 'Statement') found = this.statementValue();
      else this.value();
      this.ws();
      const c = this.next();
      if (c === '}') return found;
      if (c !== ',') throw new Error('unexpected character');
    }
  }

  position(offset: number): Position {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let k = 0; k < this.text.length; k++) if (this.text.charCodeAt(k) === 10) this.lineStarts.push(k + 1);
    }
    // The last line start at or before the offset (binary search: documents can be 128 KiB).
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  private statementValue(): [number, number][] {
    if (this.peek() !== '[') {
      const start = this.i;
      this.value();
      return [[start, this.i]];
    }
    this.i++;
    const out: [number, number][] = [];
    this.ws();
    if (this.peek() === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const start = this.i;
      this.value();
      out.push([start, this.i]);
      this.ws();
      const c = this.next();
      if (c === ']') return out;
      if (c !== ',') throw new Error('unexpected character');
    }
  }

  private value(): void {
    const c = this.peek();
    if (c === '{' || c === '[') {
      this.container();
    } else if (c === '"') {
      this.string();
    } else {
      // true, false, null or a number.
      const start = this.i;
      while (this.i < this.text.length && /[-+.\w]/.test(this.text[this.i]!)) this.i++;
      if (this.i === start) throw new Error('unexpected character');
    }
  }

  /** Skips an object or array, strings included (a brace inside a string does not count). */
  private container(): void {
    let depth = 0;
    do {
      const c = this.text[this.i];
      if (c === undefined) throw new Error('unterminated');
      if (c === '"') {
        this.string();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      this.i++;
    } while (depth > 0);
  }

  private string(): void {
    this.expect('"');
    for (;;) {
      const c = this.text[this.i++];
      if (c === undefined) throw new Error('unterminated');
      if (c === '\\') this.i++;
      else if (c === '"') return;
    }
  }

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private peek(): string | undefined {
    return this.text[this.i];
  }

  private next(): string | undefined {
    return this.text[this.i++];
  }

  private expect(c: string): void {
    if (this.text[this.i] !== c) throw new Error(`expected ${c}`);
    this.i++;
  }
}
