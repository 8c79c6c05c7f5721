import fs from 'node:fs';
import { previewRules, type PreviewState } from '../engine/rules/index.js';
import { sampleSource, type SourceSample } from '../engine/source/sample.js';
import type { DialectOverrides, RulesPreview } from './contract.js';

/** Samples kept for the live rule preview; one per opened file and dialect is plenty. */
const MAX_CACHED_SAMPLES = 4;
const DEFAULT_SAMPLE_ROWS = 1000;

interface CachedSample {
  sample: SourceSample;
  previewSample: { columns: string[]; rows: unknown[][]; kind: 'csv' | 'jsonl' };
  previous: PreviewState | undefined;
}

/**
 * The live rule preview: the sample is cached per file and dialect so that
 * each keystroke in the rule editor only re-runs the rules (incrementally, via
 * previewRules' state) and never re-reads the file. Runs in the preview thread
 * (preview-thread.ts), never on the thread that serves the UI.
 */
export class RulesPreviewer {
  private readonly samples = new Map<string, CachedSample>();

  private async cachedSample(filePath: string, overrides: DialectOverrides): Promise<CachedSample> {
    const stat = fs.statSync(filePath);
    const key = JSON.stringify([filePath, stat.size, stat.mtimeMs, overrides]);
    const hit = this.samples.get(key);
    if (hit) return hit;
    const sample = await sampleSource(filePath, DEFAULT_SAMPLE_ROWS, overrides);
    const entry: CachedSample = {
      sample,
      previewSample: { columns: sample.columns, rows: sample.rows, kind: sample.layout.dialect.format },
      previous: undefined,
    };
    this.samples.set(key, entry);
    while (this.samples.size > MAX_CACHED_SAMPLES) this.samples.delete(this.samples.keys().next().value!);
    return entry;
  }

  /** `filePath` has passed the file-access checks on the serving thread. */
  async preview(filePath: string, draft: unknown, overrides: DialectOverrides = {}): Promise<RulesPreview> {
    const cached = await this.cachedSample(filePath, overrides);
    const result = previewRules(draft, cached.previewSample, cached.previous);
    if (result.state) cached.previous = result.state;
    return {
      ok: result.ok,
      problems: result.problems,
      columns: result.columns.map((c) => ({ name: c.name, sqlType: c.sqlType })),
      rows: result.rows,
      groups: result.groups,
      invalidRows: result.invalidRows,
      warnedRows: result.warnedRows,
      sampleRows: cached.sample.rows.length,
    };
  }
}
