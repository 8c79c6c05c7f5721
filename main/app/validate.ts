import { EXPORT_DELIMITERS, EXPORT_ENCODINGS, type Channel, type RequestOf } from './contract.js';

/**
 * Argument checks for every channel. Both transports run these before a
 * handler sees a request, so a malformed request from a compromised page or a
 * stray HTTP client gets a clear BAD_REQUEST instead of reaching the engine.
 */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

type Check = (value: unknown, at: string) => void;

const MAX_PATH_CHARS = 4096;
const MAX_PAGE_ROWS = 5000;
const MAX_RAW_CHARS = 16 * 1024 * 1024;

function fail(at: string, expected: string): never {
  throw new BadRequest(`${at || 'request'} must be ${expected}.`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function object(shape: Record<string, Check>, optional: readonly string[] = []): Check {
  return (value, at) => {
    if (!isObject(value)) fail(at, 'an object');
    for (const key of Object.keys(value)) {
      // Own properties only: `constructor`, `toString` and friends are unknown keys, not inherited shape entries.
      if (!Object.hasOwn(shape, key)) fail(`${at ? `${at}.` : ''}${key}`, 'absent (unknown property)');
    }
    for (const [key, check] of Object.entries(shape)) {
      const path = at ? `${at}.${key}` : key;
      if (!Object.hasOwn(value, key) || value[key] === undefined) {
        if (!optional.includes(key)) fail(path, 'present');
        continue;
      }
      check(value[key], path);
    }
  };
}

const empty: Check = object({});

function string(maxChars = 1024, nonEmpty = true): Check {
  return (value, at) => {
    if (typeof value !== 'string') fail(at, 'a string');
    if (nonEmpty && value.length === 0) fail(at, 'a non-empty string');
    if (value.length > maxChars) fail(at, `at most ${maxChars} characters`);
    if (value.includes('\0')) fail(at, 'free of NUL characters');
  };
}

const path: Check = string(MAX_PATH_CHARS);

function integer(min: number, max = Number.MAX_SAFE_INTEGER): Check {
  return (value, at) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(at, `an integer from ${min} to ${max}`);
  };
}

const boolean: Check = (value, at) => {
  if (typeof value !== 'boolean') fail(at, 'true or false');
};

function oneOf(...choices: readonly string[]): Check {
  return (value, at) => {
    if (typeof value !== 'string' || !choices.includes(value)) fail(at, `one of ${choices.join(', ')}`);
  };
}

/** Rule files are arbitrary JSON checked by the rules language itself; here only their size is bounded. */
const json: Check = (value, at) => {
  if (!isObject(value)) fail(at, 'a JSON object');
  if (JSON.stringify(value).length > 4 * 1024 * 1024) fail(at, 'smaller than 4 MiB');
};

const overrides: Check = object(
  { format: oneOf('csv', 'jsonl'), delimiter: string(4), hasHeader: boolean, encoding: string(32) },
  ['format', 'delimiter', 'hasHeader', 'encoding'],
);

const failure: Check = (value, at) => {
  if (!isObject(value)) fail(at, 'an object');
  if (value.mode === 'fast') return object({ mode: oneOf('fast') })(value, at);
  object({ mode: oneOf('soft'), maxErrors: (v, p) => v === null || integer(0)(v, p) })(value, at);
};

const MAX_COLUMN_FILTERS = 64;

const columnFilter: Check = (value, at) => {
  if (!isObject(value)) fail(at, 'an object');
  const column = string(1024);
  oneOf('contains', 'equals', 'range', 'null', 'not-null')(value.op, `${at}.op`);
  if (value.op === 'contains' || value.op === 'equals') return object({ column, op: oneOf('contains', 'equals'), value: string(1024, false) })(value, at);
  if (value.op === 'range') return object({ column, op: oneOf('range'), min: string(256, false), max: string(256, false) }, ['min', 'max'])(value, at);
  object({ column, op: oneOf('null', 'not-null') })(value, at);
};

const gridViewShape: Record<string, Check> = {
  sort: object({ column: string(1024), descending: boolean }),
  filter: string(1024, false),
  columnFilters: (value, at) => {
    if (!Array.isArray(value) || value.length > MAX_COLUMN_FILTERS) fail(at, `a list of at most ${MAX_COLUMN_FILTERS} column filters`);
    value.forEach((item, i) => columnFilter(item, `${at}[${i}]`));
  },
};
/** A grid view without its table (an export names the table itself). */
const gridView: Check = object(gridViewShape, ['sort', 'filter', 'columnFilters']);
const MAX_EXPORT_COLUMNS = 4096;
const exportColumns: Check = (value, at) => {
  if (!Array.isArray(value) || value.length > MAX_EXPORT_COLUMNS) fail(at, `a list of at most ${MAX_EXPORT_COLUMNS} column names`);
  value.forEach((item, i) => string(1024)(item, `${at}[${i}]`));
};

const gridQuery: Check = object({ table: string(256), ...gridViewShape }, ['sort', 'filter', 'columnFilters']);

const fixOperation: Check = (value, at) => {
  if (!isObject(value)) fail(at, 'an object');
  const shapes: Record<string, Record<string, Check>> = {
    set: { kind: oneOf('set'), value: string(10_000, false) },
    map: {
      kind: oneOf('map'),
      pairs: (v, p) => {
        if (!Array.isArray(v) || v.length === 0 || v.length > 1000) fail(p, 'a list of 1 to 1000 [old, new] pairs');
        v.forEach((pair: unknown, i) => {
          if (!Array.isArray(pair) || pair.length !== 2) fail(`${p}[${i}]`, 'an [old, new] pair');
          string(10_000, false)(pair[0], `${p}[${i}][0]`);
          string(10_000, false)(pair[1], `${p}[${i}][1]`);
        });
      },
    },
    trim: { kind: oneOf('trim') },
    replace: { kind: oneOf('replace'), pattern: string(1000), with: string(10_000, false) },
    expression: { kind: oneOf('expression'), expression: string(10_000) },
  };
  const shape = typeof value.kind === 'string' ? shapes[value.kind] : undefined;
  if (!shape) fail(`${at}.kind`, `one of ${Object.keys(shapes).join(', ')}`);
  object(shape)(value, at);
};

const CHECKS: { [C in Channel]: Check } = {
  'app/info': empty,
  'files/recent': empty,
  'files/open': object({ path }),
  'files/preview': object({ path, overrides, maxRows: integer(1, 10_000) }, ['overrides', 'maxRows']),
  'rules/preview': object({ path, draft: (v, at) => { if (v === null || v === undefined) fail(at, 'present'); }, overrides }, ['overrides']),
  'rules/load': object({ path }),
  'rules/save': object({ path, ruleFile: json, overwrite: boolean }, ['overwrite']),
  'rules/sql': object({ path, ruleFile: json, target: oneOf('duckdb', 'spark') }),
  'import/start': object(
    { path, table: string(128), ruleFile: json, overrides, failure, restart: boolean, append: boolean, replace: boolean },
    ['table', 'ruleFile', 'overrides', 'failure', 'restart', 'append', 'replace'],
  ),
  'import/resume': object({ importId: integer(1) }),
  'import/control': object({ importId: integer(1), action: oneOf('pause', 'resume', 'cancel') }),
  'import/state': object({ importId: integer(1) }),
  'imports/list': empty,
  'quarantine/page': object(
    {
      importId: integer(1),
      status: oneOf('open', 'fixed', 'dismissed', 'undone'),
      rule: string(256),
      field: string(256),
      offset: integer(0),
      limit: integer(0, MAX_PAGE_ROWS),
    },
    ['status', 'rule', 'field'],
  ),
  'quarantine/summary': object({ importId: integer(1) }),
  'quarantine/retry': object({ id: integer(1), raw: string(MAX_RAW_CHARS, false) }),
  'quarantine/revalidate': object({ importId: integer(1), draft: json }, ['draft']),
  'quarantine/facets': object({ importId: integer(1), status: oneOf('open', 'fixed', 'dismissed', 'undone', 'all') }, ['status']),
  'quarantine/row': object({ id: integer(1) }),
  'quarantine/edit': (value, at) => {
    object({ id: integer(1), values: (v, p) => { if (!Array.isArray(v) || v.length > 10_000) fail(p, 'an array of at most 10000 values'); }, draft: json }, ['draft'])(value, at);
    if (JSON.stringify(value).length > MAX_RAW_CHARS) fail('values', `at most ${MAX_RAW_CHARS} characters in all`);
  },
  'quarantine/fix': object(
    { importId: integer(1), field: string(256), rule: string(256), operation: fixOperation, dryRun: boolean, draft: json },
    ['rule', 'dryRun', 'draft'],
  ),
  'quarantine/dismiss': object(
    { importId: integer(1), rule: string(256), field: string(256), rowNumber: integer(1), reason: string(1000) },
    ['rule', 'field', 'rowNumber'],
  ),
  'tables/list': empty,
  'tables/page': object(
    { table: string(256), offset: integer(0), limit: integer(0, MAX_PAGE_ROWS), orderBy: string(256), descending: boolean, filter: string(1024, false) },
    ['orderBy', 'descending', 'filter'],
  ),
  'grid/page': object({ query: gridQuery, offset: integer(0), limit: integer(0, MAX_PAGE_ROWS) }),
  'grid/count': object({ query: gridQuery }),
  'grid/cancel': object({ query: gridQuery, keepFound: boolean }, ['keepFound']),
  'grid/profile': object({ query: gridQuery, column: string(1024) }),
  'files/forget': object({ path }),
  'tables/drop-preview': object({ table: string(256) }),
  'tables/drop': object({ table: string(256) }),
  'imports/hide': object({ importId: integer(1) }),
  'import/plan': object(
    { path, table: string(128), ruleFile: json, overrides, failure, restart: boolean, append: boolean, replace: boolean },
    ['table', 'ruleFile', 'overrides', 'failure', 'restart', 'append', 'replace'],
  ),
  'imports/undo-preview': object({ importId: integer(1), cascade: boolean }, ['cascade']),
  'imports/undo': object({ importId: integer(1), cascade: boolean, dropTable: boolean }, ['cascade', 'dropTable']),
  'imports/forget': object({ importId: integer(1) }),
  'imports/log': object({ importId: integer(1), afterSeq: integer(0), minLevel: oneOf('debug', 'info', 'warn', 'error') }, ['afterSeq', 'minLevel']),
  'imports/trace': object({ importId: integer(1) }),
  'imports/warnings': object({ importId: integer(1) }),
  'export/start': (value, at) => {
    object(
      {
        kind: oneOf('table', 'quarantine'),
        table: string(256),
        importId: integer(1),
        path,
        format: oneOf('csv', 'jsonl'),
        overwrite: boolean,
        columns: exportColumns,
        view: gridView,
        delimiter: oneOf(...EXPORT_DELIMITERS),
        newline: oneOf('lf', 'crlf'),
        header: boolean,
        encoding: oneOf(...EXPORT_ENCODINGS),
      },
      ['table', 'importId', 'overwrite', 'columns', 'view', 'delimiter', 'newline', 'header', 'encoding'],
    )(value, at);
    const request = value as { kind: string; table?: string; importId?: number; columns?: unknown; view?: unknown; header?: unknown };
    if (request.kind === 'table' && request.table === undefined) fail('table', 'present when exporting a table');
    if (request.kind === 'quarantine' && request.importId === undefined) fail('importId', 'present when exporting a quarantine');
    if (request.kind === 'quarantine' && (request.columns !== undefined || request.view !== undefined)) fail('columns', 'absent for a quarantine export (its columns are fixed)');
    if (request.kind === 'quarantine' && request.header !== undefined) fail('header', 'absent for a quarantine export (it always has its header line)');
  },
};

/** Returns the request typed for its channel, or throws BadRequest naming the first problem. */
export function validateRequest<C extends Channel>(channel: C, request: unknown): RequestOf<C> {
  CHECKS[channel](request ?? {}, '');
  return (request ?? {}) as RequestOf<C>;
}
