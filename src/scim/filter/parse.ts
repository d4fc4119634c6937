/**
 * The filter grammar of RFC 7644 §3.4.2.2 and the PATCH path grammar of §3.5.2, read by a lexer
 * and a recursive-descent parser. Filters come from the network, so every malformed input ends in
 * a ScimError naming where it went wrong, and size and nesting are bounded so that parsing stays
 * linear and the stack shallow.
 */
import { ScimError, type ScimType } from '../errors';
import type { AttributePath, CompareOperator, CompareValue, Filter, PatchPath } from './ast';

export const MAX_FILTER_LENGTH = 10_000;
/** Parentheses, `not (…)` and `[…]` together; real filters nest two or three deep. */
export const MAX_FILTER_DEPTH = 50;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

type Punctuation = '(' | ')' | '[' | ']' | '.';
type Token =
  | { kind: Punctuation | 'end'; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; text: string; at: number };

type Fail = (at: number, message: string) => never;

/** What is being parsed: its name in error messages and the scimType its errors carry. */
interface Dialect {
  noun: 'filter' | 'path';
  scimType: Extract<ScimType, 'invalidFilter' | 'invalidPath'>;
}

const FILTER: Dialect = { noun: 'filter', scimType: 'invalidFilter' };
const PATH: Dialect = { noun: 'path', scimType: 'invalidPath' };

/**
 * A `filter` query parameter (or a search request's filter). Beyond the RFC it accepts Entra ID's
 * `emails[type eq "work"].value eq "x"` and any whitespace between tokens.
 */
export function parseFilter(text: string): Filter {
  const parser = new Parser(text, FILTER);
  const filter = parser.expression(false);
  parser.expectEnd();
  return filter;
}

/** PATH = attrPath / valuePath [subAttr] (RFC 7644 §3.5.2). */
export function parsePatchPath(text: string): PatchPath {
  return new Parser(text, PATH).patchPath();
}

// A word is an attribute path (URN, name, sub-attribute: split later), an operator or a keyword.
// URNs hold dots and digits (`…:enterprise:2.0:User:manager.value`), hence the generous class.
const WORD = /[A-Za-z$][\w$.:-]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ATTRIBUTE_NAME = /^(?:[A-Za-z][\w-]*|\$ref)$/i;
const URI = /^[A-Za-z][\w.+-]*(?::[\w.+-]+)+$/;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private readonly lexer: Lexer;
  private token: Token;
  private depth = 0;
  private readonly fail: Fail;

  constructor(text: unknown, private readonly dialect: Dialect) {
    this.fail = (at, message) => {
      throw ScimError.badRequest(dialect.scimType, `Invalid ${dialect.noun} at character ${at + 1}: ${message}`);
    };
    // Express hands over an array for a repeated query parameter; type annotations do not stop that.
    if (typeof text !== 'string') throw ScimError.badRequest(dialect.scimType, `The ${dialect.noun} must be a string`);
    if (text.length > MAX_FILTER_LENGTH) {
      throw ScimError.badRequest(dialect.scimType, `The ${dialect.noun} is ${text.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted`);
    }
    if (text.trim() === '') throw ScimError.badRequest(dialect.scimType, `The ${dialect.noun} is empty`);
    this.lexer = new Lexer(text, this.fail);
    this.token = this.lexer.next();
  }

  /** FILTER, or valFilter inside `[…]`: `or` of `and`s, both left-associative, `and` binding tighter. */
  expression(inBrackets: boolean): Filter {
    let left = this.conjunction(inBrackets);
    while (this.isKeyword('or')) {
      this.advance();
      left = { kind: 'or', left, right: this.conjunction(inBrackets) };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (this.dialect === PATH) this.fail(token.at, `expected the end of the path, found ${describe(token)}`);
    this.fail(token.at, `expected "and", "or" or the end of the filter, found ${describe(token)}`);
  }

  patchPath(): PatchPath {
    const path = this.attributePath(false);
    if (this.peek().kind !== '[') {
      this.expectEnd();
      return { path };
    }
    const valueFilter = this.bracketed(path);
    if (this.peek().kind !== '.') {
      this.expectEnd();
      return { path, valueFilter };
    }
    this.advance();
    const subAttribute = this.subAttributeName();
    this.expectEnd();
    return { path, valueFilter, subAttribute };
  }

  private conjunction(inBrackets: boolean): Filter {
    let left = this.operand(inBrackets);
    while (this.isKeyword('and')) {
      this.advance();
      left = { kind: 'and', left, right: this.operand(inBrackets) };
    }
    return left;
  }

  private operand(inBrackets: boolean): Filter {
    const token = this.peek();
    if (token.kind === '(') return this.group(')', inBrackets);
    if (this.isKeyword('not')) {
      this.advance();
      const open = this.peek();
      if (open.kind !== '(') this.fail(open.at, `expected "(" after "not", found ${describe(open)}`);
      return { kind: 'not', filter: this.group(')', inBrackets) };
    }
    // `and` and `or` are taken as keywords even where a name could stand, for a clearer message.
    if (token.kind !== 'word' || this.isKeyword('and') || this.isKeyword('or')) {
      this.fail(token.at, `expected an attribute path, "not" or "(", found ${describe(token)}`);
    }
    const path = this.attributePath(inBrackets);
    if (this.peek().kind !== '[') return this.comparison(path);
    if (inBrackets) this.fail(this.peek().at, '"[" cannot be nested inside another "[…]"');
    const filter = this.bracketed(path);
    if (this.peek().kind !== '.') return { kind: 'valuePath', path, filter };
    // Entra ID writes `emails[type eq "work"].value eq "x"`, outside the RFC's grammar; it means
    // one element that passes both tests, so the comparison joins the bracketed filter.
    this.advance();
    const element: AttributePath = { attribute: this.subAttributeName() };
    return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: this.comparison(element) } };
  }

  /** `[ valFilter ]` after `path`; the tokens start at `[`. */
  private bracketed(path: AttributePath): Filter {
    const open = this.peek();
    if (path.subAttribute !== undefined) {
      this.fail(open.at, `"[" must follow a multi-valued attribute, not the sub-attribute "${path.subAttribute}"`);
    }
    return this.group(']', true);
  }

  private comparison(path: AttributePath): Filter {
    const token = this.peek();
    if (token.kind !== 'word') this.fail(token.at, `expected an operator (${OPERATOR_LIST}), found ${describe(token)}`);
    const operator = token.text.toLowerCase();
    this.advance();
    if (operator === 'pr') {
      const next = this.peek();
      if (this.literal(next) !== undefined) this.fail(next.at, '"pr" takes no value');
      return { kind: 'present', path };
    }
    if (!COMPARE_OPERATORS.has(operator)) this.fail(token.at, `unknown operator ${quote(token.text)}; expected ${OPERATOR_LIST}`);
    const valueToken = this.peek();
    const value = this.literal(valueToken);
    if (value === undefined) {
      this.fail(valueToken.at, `expected a value after "${operator}" (a "string" in double quotes, a number, true, false or null), found ${describe(valueToken)}`);
    }
    this.advance();
    return { kind: 'compare', operator: operator as CompareOperator, path, value: value.value };
  }

  /** compValue = false / null / true / number / string; undefined when the token is none of them. */
  private literal(token: Token): { value: CompareValue } | undefined {
    if (token.kind === 'string' || token.kind === 'number') return { value: token.value };
    if (token.kind !== 'word') return undefined;
    switch (token.text.toLowerCase()) {
      case 'true':
        return { value: true };
      case 'false':
        return { value: false };
      case 'null':
        return { value: null };
      default:
        return undefined;
    }
  }

  /**
   * attrPath = [URI ":"] ATTRNAME *1subAttr. The URI is everything before the last colon, so the
   * dots of `2.0` stay in the URI and only a dot after that colon starts a sub-attribute.
   */
  private attributePath(inBrackets: boolean): AttributePath {
    const token = this.peek();
    if (token.kind !== 'word') this.fail(token.at, `expected an attribute path, found ${describe(token)}`);
    this.advance();
    const colon = token.text.lastIndexOf(':');
    const uri = colon < 0 ? undefined : token.text.slice(0, colon);
    const [attribute, subAttribute, ...more] = token.text.slice(colon + 1).split('.');
    if (uri !== undefined && !URI.test(uri)) this.fail(token.at, `${quote(uri)} is not a schema URI`);
    if (more.length > 0) this.fail(token.at, `${quote(token.text)} has more than one sub-attribute`);
    for (const name of subAttribute === undefined ? [attribute] : [attribute, subAttribute]) {
      if (!ATTRIBUTE_NAME.test(name)) this.fail(token.at, `${quote(name)} is not an attribute name in ${quote(token.text)}`);
    }
    if (inBrackets && (uri !== undefined || subAttribute !== undefined)) {
      // Inside `[…]` names are relative to one element of the multi-valued attribute.
      this.fail(token.at, `inside "[…]", name a sub-attribute of the element (such as type or value), not ${quote(token.text)}`);
    }
    return { ...(uri === undefined ? {} : { uri }), attribute, ...(subAttribute === undefined ? {} : { subAttribute }) };
  }

  /** The `.subAttr` after `]`; the tokens start after the dot. */
  private subAttributeName(): string {
    const token = this.peek();
    if (token.kind !== 'word' || !ATTRIBUTE_NAME.test(token.text)) {
      this.fail(token.at, `expected a sub-attribute name after "].", found ${describe(token)}`);
    }
    this.advance();
    return token.text;
  }

  /** `( FILTER )`, or `[ valFilter ]` when `closing` is `]`; the current token is the opening one. */
  private group(closing: ')' | ']', inBrackets: boolean): Filter {
    const open = this.advance();
    if (++this.depth > MAX_FILTER_DEPTH) this.fail(open.at, `nested more than ${MAX_FILTER_DEPTH} levels deep`);
    const filter = this.expression(inBrackets);
    const token = this.peek();
    if (token.kind !== closing) this.fail(token.at, `expected "and", "or" or "${closing}", found ${describe(token)}`);
    this.advance();
    this.depth--;
    return filter;
  }

  private isKeyword(keyword: 'and' | 'or' | 'not'): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private peek(): Token {
    return this.token;
  }

  /** Moves past the current token, answering it. */
  private advance(): Token {
    const current = this.token;
    this.token = this.lexer.next();
    return current;
  }
}

/** Reads tokens one at a time, so that an error is reported where reading stopped making sense. */
class Lexer {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly fail: Fail,
  ) {}

  next(): Token {
    const { text } = this;
    while (this.at < text.length && /\s/.test(text[this.at])) this.at++;
    const at = this.at;
    if (at === text.length) return { kind: 'end', at };
    const char = text[at];
    if (char === '(' || char === ')' || char === '[' || char === ']' || char === '.') {
      this.at++;
      return { kind: char, at };
    }
    if (char === '"') {
      const { value, end } = readString(text, at, this.fail);
      this.at = end;
      return { kind: 'string', value, at };
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = at;
      const match = NUMBER.exec(text);
      const end = at + (match?.[0].length ?? 0);
      const value = Number(match?.[0]);
      if (!match || /[\w.]/.test(text[end] ?? '') || !Number.isFinite(value)) {
        this.fail(at, `${quote(text.slice(at, at + 20).split(/[\s()[\]]/)[0])} is not a JSON number`);
      }
      this.at = end;
      return { kind: 'number', value, text: match[0], at };
    }
    if (/[A-Za-z$]/.test(char)) {
      WORD.lastIndex = at;
      const word = WORD.exec(text)?.[0] ?? char;
      this.at += word.length;
      return { kind: 'word', text: word, at };
    }
    return this.fail(at, `unexpected character ${quote(char)}`);
  }
}

/** A JSON string (RFC 8259 §7) starting at the quote at `start`; `end` is just past its closing quote. */
function readString(text: string, start: number, fail: Fail): { value: string; end: number } {
  let value = '';
  let at = start + 1;
  while (at < text.length) {
    const char = text[at];
    if (char === '"') return { value, end: at + 1 };
    if (char === '\\') {
      if (at + 1 === text.length) break;
      const escape = text[at + 1];
      if (escape === 'u') {
        const hex = text.slice(at + 2, at + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(at, `"\\u" must be followed by four hexadecimal digits`);
        value += String.fromCharCode(parseInt(hex, 16));
        at += 6;
      } else if (Object.hasOwn(ESCAPES, escape)) {
        value += ESCAPES[escape];
        at += 2;
      } else {
        fail(at, `${quote(`\\${escape}`)} is not a JSON escape`);
      }
    } else if (char < ' ') {
      fail(at, 'control characters must be escaped inside a string');
    } else {
      value += char;
      at++;
    }
  }
  return fail(start, 'the string starting here is not terminated');
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the input';
    case 'word':
      return quote(token.text);
    case 'string':
      return `the string ${quote(token.value)}`;
    case 'number':
      return `the number ${token.text}`;
    default:
      return `"${token.kind}"`;
  }
}

/** Quotes text for a message, shortened: error details must not echo a 10,000-character filter. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
