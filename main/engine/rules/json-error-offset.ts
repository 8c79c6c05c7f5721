/**
 * Finds where a JSON text stops being valid. V8's JSON.parse messages differ
 * between Node versions and some give no position at all, so on the error
 * path (never the hot path) we scan the text ourselves to report line and column.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => { throw i; };
  const space = (): void => { while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1; };
  const literal = (word: string): void => { if (text.startsWith(word, i)) i += word.length; else fail(); };
  const string = (): void => {
    i += 1;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') { i += 1; return; }
      if (c < ' ') fail();
      if (c === '\\') {
        const next = text[i + 1] ?? '';
        if (next === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i += 2; fail(); } i += 6; continue; }
        if (!'"\\/bfnrt'.includes(next) || next === '') { i += 1; fail(); }
        i += 2;
        continue;
      }
      i += 1;
    }
    fail();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i += 1; space();
      if (text[i] === '}') { i += 1; return; }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string(); space();
        if (text[i] !== ':') fail();
        i += 1; value(); space();
        if (text[i] === ',') { i += 1; continue; }
        if (text[i] === '}') { i += 1; return; }
        fail();
      }
    } else if (c === '[') {
      i += 1; space();
      if (text[i] === ']') { i += 1; return; }
      for (;;) {
        value(); space();
        if (text[i] === ',') { i += 1; continue; }
        if (text[i] === ']') { i += 1; return; }
        fail();
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else {
      const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!number) fail();
      i += (number as RegExpExecArray)[0].length;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}
