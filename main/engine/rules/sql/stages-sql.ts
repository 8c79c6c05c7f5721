import type { RuleModel, RuleProblem } from '../model.js';
import { at } from '../problems.js';
import type { SqlDialect } from './dialect.js';
import { Inexpressible, transformSql } from './transform-sql.js';
import type { Val } from './value-sql.js';

/**
 * Each transform step gets its own CTE column, so a chain of transforms
 * refers to the previous step by name: nesting the expressions instead
 * would repeat each step several times over (default and replace read their
 * input more than once) and the SQL would grow exponentially.
 */
export interface ValueStages {
  ctes: { name: string; sql: string }[];
  last: string;
  value: (field: number) => Val;
}

export function valueStages(
  d: SqlDialect,
  model: RuleModel,
  sourceOf: (field: number) => Val,
  extras: readonly { sql: string }[],
  problems: RuleProblem[],
): ValueStages {
  const column = (i: number, step: number): string => `v${i}_${step}`;
  const kindColumn = (i: number, step: number): string => `k${i}_${step}`;
  const current: Val[] = model.fields.map((_, i) => sourceOf(i));
  const first = current.flatMap((v, i) => [`${v.t} AS ${column(i, 0)}`, ...(v.k === null ? [] : [`${v.k} AS ${kindColumn(i, 0)}`])]);
  const ctes = [{ name: 'sluice_step0', sql: `SELECT row_number, raw, parse_errors${[...first, ...extras.map((e, j) => `${e.sql} AS x${j}`)].map((c) => `, ${c}`).join('')} FROM sluice_rows` }];
  const names: Val[] = current.map((v, i) => ({ t: column(i, 0), k: v.k === null ? null : kindColumn(i, 0) }));
  const steps = Math.max(0, ...model.fields.map((f) => f.transforms.length));
  for (let step = 1; step <= steps; step++) {
    const added: string[] = [];
    model.fields.forEach((field, i) => {
      const transform = field.transforms[step - 1];
      if (transform === undefined) return;
      try {
        const next = transformSql(d, names[i] as Val, transform, field.missingValues);
        added.push(`${next.t} AS ${column(i, step)}`);
        if (next.k !== null) added.push(`${next.k} AS ${kindColumn(i, step)}`);
        names[i] = { t: column(i, step), k: next.k === null ? null : kindColumn(i, step) };
      } catch (error) {
        if (!(error instanceof Inexpressible)) throw error;
        problems.push({ path: at(at('fields', i), 'sluice:transforms'), message: `${transform.op}: ${error.message}` });
      }
    });
    ctes.push({ name: `sluice_step${step}`, sql: `SELECT *, ${added.join(', ')} FROM sluice_step${step - 1}` });
  }
  return { ctes, last: `sluice_step${steps}`, value: (i) => names[i] as Val };
}
