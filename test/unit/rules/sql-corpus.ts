/**
 * Rule files and data for the SQL differential tests, one entry per area of
 * the rules tests (types, constraints, transforms, row rules, keys, reading).
 * Each holds valid and invalid values, so both sides must agree row by row.
 */
export interface CorpusEntry {
  name: string;
  rules: unknown;
  data: string;
  format?: 'csv' | 'jsonl';
  allValid?: boolean;
}

const csv = (header: string, rows: string[]): string => `${header}\n${rows.join('\n')}\n`;

export const SQL_CORPUS: CorpusEntry[] = [
  {
    name: 'integers: signs, zeros, range, bareNumber, groupChar',
    rules: { fields: [
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'integer', bareNumber: false, groupChar: ',' },
      { name: 'c', type: 'integer', groupChar: '.', decimalChar: ',' },
    ] },
    data: csv('a,b,c', ['1,"$1,000",1.000', '+5,-$5 USD,-1.234', '-0,5%,12', '007, 42 ,x', '1.0,"1,2,3",1.2.3', '9223372036854775807,abc,', '9223372036854775808,€,1', ' 1,--5,+-1', '1e3,.5,0', ',,']),
  },
  {
    name: 'numbers: forms, specials, decimalChar',
    rules: { fields: [
      { name: 'a', type: 'number' },
      { name: 'b', type: 'number', decimalChar: ',', groupChar: ' ' },
      { name: 'c', type: 'number', bareNumber: false, constraints: { minimum: 0, exclusiveMaximum: 100 } },
    ] },
    data: csv('a,b,c', ['1.5,"1 234,5",$99.50', '.5,"0,5",100', '5.,1,-1', '1e5,"1e5",NaN', 'NaN,x,INF', 'INF,"1,",0', '-INF,",5",50 %', '1e400,,0.0', 'abc,1 2,EUR 5', '+1.,1.5,']),
  },
  {
    name: 'booleans: default and custom true/false values',
    rules: { fields: [
      { name: 'a', type: 'boolean' },
      { name: 'b', type: 'boolean', trueValues: ['yes', 'Y'], falseValues: ['no', 'N'] },
    ] },
    data: csv('a,b', ['true,yes', 'True,Y', 'TRUE,no', '1,N', '0,y', 'false,YES', 'yes,', 'tRue,no', ',maybe']),
  },
  {
    name: 'dates, times and date-times: default, any and patterns',
    rules: { fields: [
      { name: 'd', type: 'date' },
      { name: 'da', type: 'date', format: 'any' },
      { name: 'dp', type: 'date', format: '%d/%m/%Y' },
      { name: 'dt', type: 'datetime', constraints: { minimum: '2000-01-01T00:00:00' } },
      { name: 't', type: 'time' },
      { name: 'ta', type: 'time', format: 'any' },
      { name: 'y', type: 'year' },
      { name: 'ym', type: 'yearmonth' },
    ] },
    data: csv('d,da,dp,dt,t,ta,y,ym', [
      '2024-02-29,2024-2-3,29/02/2024,2024-01-01T10:00:00,10:00:00,9:30 pm,2024,2024-02',
      '2023-02-29,3 Mar 2024,31/04/2024,2024-01-01T10:00:00Z,24:00:00,12:00 am,24,2024-13',
      '2024-13-01, March 3 2024 ,1/2/2024,2024-01-01T10:00:00+02:00,23:59:59.123,13:00 pm,0000,2024-00',
      '24-01-01,Mar 3, 2024,01/02/24,1999-12-31T23:00:00-02:00,1:2:3,23:59,abcd,2024-1',
      '2024-1-1,20240303,32/01/2024,2024-01-01 10:00:00,10:00,0:00,1999,1999-12',
      '0000-02-29,2024.03.03,15/06/2023,2024-01-01T10:00:00.5,00:00:00.000000001,12:30:15.5 PM,9999,0000-01',
      '2024-06-15,Foo 3 2024,15/6/2023,0001-01-01T00:30:00+01:00,,, ,',
    ]),
  },
  {
    name: 'strings: formats, lengths, patterns, enums',
    rules: { fields: [
      { name: 'email', format: 'email' },
      { name: 'uri', type: 'string', format: 'uri' },
      { name: 'uuid', type: 'string', format: 'uuid', constraints: { required: true } },
      { name: 'code', type: 'string', constraints: { pattern: '[A-Z]{2}\\d*', minLength: 2, maxLength: 4 } },
      { name: 'plan', type: 'string', constraints: { enum: ['free', 'pro'] } },
      { name: 'n', type: 'integer', constraints: { enum: [1, 2, '3'], pattern: '\\d' } },
    ] },
    data: csv('email,uri,uuid,code,plan,n', [
      'a@b.co,https://x.org,123e4567-e89b-12d3-a456-426614174000,AB1,free,1',
      'a@b,mailto:a@b,123E4567-E89B-12D3-A456-426614174000,A,pro,3',
      'a b@c.de,no scheme,not-a-uuid,ABCDE,Free,4',
      '@c.de,x:,,ab,,01',
      'é@ü.de,1http://x,123e4567e89b12d3a456426614174000,ÀB,pro,+1',
      'x@y.z.w,h://a b,,AB12,team,2',
    ]),
  },
  {
    name: 'transforms: trim, collapseSpaces, case, default, replace, map',
    rules: { missingValues: ['', 'N/A'], fields: [
      { name: 'a', type: 'string', constraints: { enum: ['yes', 'no'] }, 'sluice:transforms': ['trim', 'lower', { op: 'map', values: { y: 'yes', n: 'no', oui: 'yes' } }] },
      { name: 'b', type: 'string', constraints: { required: true, maxLength: 5 }, 'sluice:transforms': ['collapseSpaces', 'trim', { op: 'default', value: 'none' }] },
      { name: 'c', type: 'integer', constraints: { minimum: 0 }, 'sluice:transforms': [{ op: 'replace', pattern: '[^0-9-]', with: '' }] },
      { name: 'd', type: 'string', constraints: { pattern: '[A-Z]+-\\d+' }, 'sluice:transforms': ['upper', { op: 'replace', pattern: '(\\w+)_(\\d+)', with: '$1-$2', flags: 'i' }] },
      { name: 'e', type: 'boolean', 'sluice:transforms': [{ op: 'map', values: { Y: true, N: false, '?': null }, caseInsensitive: true }] },
      { name: 'f', type: 'integer', constraints: { required: true }, 'sluice:transforms': [{ op: 'default', value: 7 }] },
    ] },
    data: csv('a,b,c,d,e,f', [
      ' Y ,  a   b ,1 000,ab_12,y,1',
      'N,,-5,ab-12,n,',
      'oui,N/A,x,zz_1,?,N/A',
      'maybe,toolongvalue,12a,a_b,true,x',
      ' , x ,,,,2',
      '\u00a0no\u00a0,a\tb,--1,q_9,maybe,3',
    ]),
  },
  {
    name: 'row rules: logic, arithmetic, functions, null semantics',
    rules: {
      fields: [
        { name: 'plan', type: 'string' },
        { name: 'spend', type: 'number' },
        { name: 'age', type: 'integer' },
        { name: 'name', type: 'string' },
        { name: 'ok', type: 'boolean' },
        { name: 'zip', type: 'string' },
      ],
      'sluice:rowRules': [
        { name: 'free_pays_nothing', expr: 'plan != "free" or spend == 0 or is_missing(spend)' },
        { name: 'adult', expr: 'age >= 18 and age < 130' },
        { name: 'spend_per_year', expr: 'spend / 12 < 100 and spend % 7 != 3' },
        { name: 'name_len', expr: 'len(trim(name)) > 1 and upper(name) != "BOB" and lower(name) != "x"' },
        { name: 'plan_known', expr: 'plan in ["free", "pro", "team"] or plan == ""' },
        { name: 'abs_minmax', expr: 'abs(age - 40) <= 30 or max(age, 0) > 90 or min(spend, 5) < 1' },
        { name: 'matches_name', expr: 'not matches(name, "[0-9].*")' },
        { name: 'coalesce_zip', expr: 'coalesce(zip, "none") != "00000"' },
        { name: 'booleans', expr: 'ok == true or ok == false or is_missing(ok)' },
        { name: 'bool_arith', expr: 'ok + 1 != 3' },
        { name: 'warn_only', expr: 'age > 200', severity: 'warn' },
        { name: 'ternary', expr: 'age > 60 ? spend > 0 : true' },
        { name: 'mixed_kinds', expr: 'name != age and not (name < age)' },
        { name: 'neg', expr: '-age < 0 or age == 0' },
      ],
    },
    data: csv('plan,spend,age,name,ok,zip', [
      'free,0,30,Ann,true,12345',
      'free,5,30,Ann,1,',
      'pro,1200,17,Bob,0,00000',
      'team,21,131,x,,12',
      'gold,10,45,9lives,false,1',
      ',,,,,',
      'pro,0,70,  Al  ,true,',
      'pro,3,61,Ed,true,x',
      'free,,0,A,true,',
    ]),
  },
  {
    name: 'reading: quotes, embedded newlines, blank lines, ragged rows, CRLF',
    rules: { fields: [{ name: 'id', type: 'integer', constraints: { required: true } }, { name: 'text', type: 'string', constraints: { maxLength: 12 } }, { name: 'n', type: 'number' }] },
    data: 'id,text,n\r\n1,"a, b",1\r\n2,"line\r\nbreak",2\r\n\r\n3,"say ""hi""",x\r\n4,too,many,fields\r\n5\r\n\r\n\r\n6,"",\r\n7,"a very long text value",7\r\n,,\r\n8,ok,8',
  },
  {
    name: 'unique across the whole input, nulls never collide',
    rules: { fields: [{ name: 'email', type: 'string', constraints: { unique: true } }, { name: 'age', type: 'integer' }] },
    data: csv('email,age', ['a@x,1', 'b@x,2', 'a@x,3', ',4', ',5', 'b@x,x', 'c@x,6', 'c@x,7', 'A@x,8', 'b@x,9']),
  },
  {
    name: 'primaryKey upserts: a repeated key is accepted (last wins), not quarantined',
    rules: { fields: [{ name: 'id', type: 'integer' }, { name: 'v', type: 'string', constraints: { required: true } }], primaryKey: 'id' },
    data: csv('id,v', ['1,a', '2,b', '1,c', ',d', '3,', '2,e']),
  },
  {
    name: 'primaryKey that is also unique: a repeated key is quarantined, the first row wins',
    rules: { fields: [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 'v', type: 'string', constraints: { required: true } }], primaryKey: 'id' },
    data: csv('id,v', ['1,a', '2,b', '1,c', ',d', '3,', '2,e', '3,f']),
  },
  {
    name: 'columns: renamed, dropped, absent, case-insensitive, extra kept',
    rules: { fields: [
      { name: 'id', type: 'integer', 'sluice:transforms': [{ op: 'rename', from: 'Customer ID' }] },
      { name: 'secret', type: 'string', constraints: { minLength: 3 }, 'sluice:transforms': ['drop'] },
      { name: 'missing_col', type: 'string' },
      { name: 'NAME', type: 'string', constraints: { required: true } },
    ], 'sluice:rowRules': [{ name: 'secret_not_id', expr: 'secret != "x" + "y"' }] },
    data: csv('Customer ID,secret,name,extra', ['1,abc,Ann,e1', 'x,ab,Bob,', '3,xy,,e3', '4,abcd,Dee,N/A']),
  },
  {
    name: 'JSONL: numbers, strings, booleans, nulls, unknown keys, bad lines',
    format: 'jsonl',
    rules: { fields: [
      { name: 'id', type: 'integer', constraints: { required: true } },
      { name: 'price', type: 'number', constraints: { minimum: 0 } },
      { name: 'name', type: 'string', constraints: { maxLength: 5 } },
      { name: 'active', type: 'boolean' },
      { name: 'day', type: 'date' },
    ], 'sluice:extraColumns': 'drop' },
    data: [
      '{"id": 1, "price": 2.5, "name": "Ann", "active": true, "day": "2024-01-01"}',
      '{"id": 2.0, "price": "3", "name": 12, "active": "true", "day": 20240101}',
      '{"id": 2.5, "price": -1, "name": "Bartholomew", "active": 1, "day": null}',
      '{"id": "7", "price": null, "name": null, "active": "yes"}',
      '{"price": 1}',
      '',
      '[1, 2]',
      '{"id": 3, "oops": true}',
      'not json',
      '{"id": 4, "active": false, "name": true}',
    ].join('\n'),
  },
];
