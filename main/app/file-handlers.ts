import fs from 'node:fs';
import path from 'node:path';
import { inferRules, parseRuleFile, previewRules, type PreviewState } from '../engine/rules/index.js';
import { sampleSource, type SourceSample } from '../engine/source/sample.js';
import type { DialectOverrides, FilePreview, RulesPreview } from './contract.js';
import { AppFailure } from './app-failure.js';
import type { FileAccess } from './file-access.js';
import type { Handlers } from './handlers.js';
import type { Settings } from './settings.js';
import type { RowFailure } from '../engine/types.js';

const DEFAULT_SAMPLE_ROWS = 1000;
const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;
/** Samples kept for the live rule preview; one per opened file and dialect is plenty. */
const MAX_CACHED_SAMPLES = 4;

interface CachedSample {
  sample: SourceSample;
  previewSample: { columns: string[]; rows: unknown[][]; kind: 'csv' | 'jsonl'; malformed: (RowFailure | null)[] };
  previous: PreviewState | undefined;
}

/**
 * Opening, previewing and rule editing. The sample is cached per file and
 * dialect so that each keystroke in the rule editor only re-runs the rules
 * (incrementally, via previewRules' state) and never re-reads the file.
 */
export function fileHandlers(files: FileAccess, settings: Settings): Pick<Handlers, 'files/recent' | 'files/open' | 'files/preview' | 'rules/preview' | 'rules/load' | 'rules/save'> {
  const samples = new Map<string, CachedSample>();

  async function cachedSample(filePath: string, overrides: DialectOverrides = {}, maxRows = DEFAULT_SAMPLE_ROWS): Promise<CachedSample> {
    const stat = fs.statSync(filePath);
    const key = JSON.stringify([filePath, stat.size, stat.mtimeMs, overrides, maxRows]);
    const hit = samples.get(key);
    if (hit) return hit;
    const sample = await sampleSource(filePath, maxRows, overrides);
    const entry: CachedSample = {
      sample,
      // Malformed rows are previewed (with their reason, numbered as the import numbers them); inference reads only sample.rows.
      previewSample: { columns: sample.columns, rows: sample.previewRows, kind: sample.layout.dialect.format, malformed: sample.malformed },
      previous: undefined,
    };
    samples.set(key, entry);
    while (samples.size > MAX_CACHED_SAMPLES) samples.delete(samples.keys().next().value!);
    return entry;
  }

  return {
    'files/recent': () => settings.recentFiles.filter((f) => fs.existsSync(f.path)),

    'files/open': (request) => {
      const opened = files.open(request.path, { recent: true });
      const stem = opened.path.replace(/\.[^./\\]+$/, '');
      const sibling = `${stem}.rules.json`;
      const siblingRulesPath = fs.existsSync(sibling) ? sibling : null;
      // A rule file beside the data is part of what the user opened.
      if (siblingRulesPath) files.open(siblingRulesPath, { recent: false });
      return { path: opened.path, name: path.basename(opened.path), size: opened.size, siblingRulesPath };
    },

    'files/preview': async (request): Promise<FilePreview> => {
      const filePath = files.requireOpened(request.path);
      const { sample } = await cachedSample(filePath, request.overrides, request.maxRows);
      const { bomBytes: _bomBytes, ...dialect } = sample.layout.dialect;
      return {
        path: filePath,
        dialect,
        columns: sample.columns,
        rows: sample.previewRows,
        malformed: sample.malformed,
        rowNumbers: sample.rowNumbers,
        totalBytes: sample.totalBytes,
        inferredRules: inferRules({ columns: sample.columns, rows: sample.rows }),
      };
    },

    'rules/preview': async (request): Promise<RulesPreview> => {
      const filePath = files.requireOpened(request.path);
      const cached = await cachedSample(filePath, request.overrides);
      const result = previewRules(request.draft, cached.previewSample, cached.previous);
      if (result.state) cached.previous = result.state;
      return {
        ok: result.ok,
        problems: result.problems,
        columns: result.columns.map((c) => ({ name: c.name, sqlType: c.sqlType })),
        rows: result.rows,
        groups: result.groups,
        invalidRows: result.invalidRows,
        warnedRows: result.warnedRows,
        sampleRows: cached.sample.previewRows.length,
        rowNumbers: cached.sample.rowNumbers,
      };
    },

    'rules/load': (request) => {
      const opened = files.open(request.path, { recent: false });
      if (opened.size > MAX_RULE_FILE_BYTES) throw new AppFailure('RULES_INVALID', `${opened.path} is too large for a rule file.`);
      let ruleFile: unknown;
      try {
        ruleFile = JSON.parse(fs.readFileSync(opened.path, 'utf8'));
      } catch (error) {
        throw new AppFailure('RULES_INVALID', `${opened.path} is not valid JSON: ${(error as Error).message}`);
      }
      return { path: opened.path, ruleFile };
    },

    'rules/save': (request) => {
      parseRuleFile(request.ruleFile);
      const target = files.requireWritable(request.path);
      const temporary = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, `${JSON.stringify(request.ruleFile, null, 2)}\n`);
      fs.renameSync(temporary, target);
      files.open(target, { recent: false });
      return { path: target };
    },
  };
}
