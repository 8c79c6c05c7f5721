import fs from 'node:fs';
import path from 'node:path';
import { inferRules, parseRuleFile } from '../engine/rules/index.js';
import { sampleSource, type SourceSample } from '../engine/source/sample.js';
import { assertTextFile } from '../engine/source/not-text.js';
import { fetchUrlToFolder, looksLikeUrl } from '../engine/source/fetch-url.js';
import type { DialectOverrides, FilePreview, RulesPreview } from './contract.js';
import { AppFailure } from './app-failure.js';
import type { FileAccess } from './file-access.js';
import type { Handlers } from './handlers.js';
import type { Settings } from './settings.js';
import type { PreviewRunner } from './preview-runner.js';
import { writeFileAtomically } from '../engine/export/write-permission.js';
import { jsonErrorOffset } from '../engine/rules/json-error-offset.js';

const DEFAULT_SAMPLE_ROWS = 1000;
const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;
/** Samples kept for file previews; one per opened file and dialect is plenty. */
const MAX_CACHED_SAMPLES = 4;

interface CachedSample {
  sample: SourceSample;
}

/**
 * Opening, previewing and rule editing. Every path goes through FileAccess
 * (the one place that decides which files may be used); the live rule preview
 * runs in its own thread (PreviewRunner) so a slow draft never stalls the UI.
 */
export function fileHandlers(files: FileAccess, settings: Settings, previews: PreviewRunner): Pick<Handlers, 'files/recent' | 'files/open' | 'files/preview' | 'rules/preview' | 'rules/load' | 'rules/save'> {
  const samples = new Map<string, CachedSample>();

  async function cachedSample(filePath: string, overrides: DialectOverrides = {}, maxRows = DEFAULT_SAMPLE_ROWS): Promise<CachedSample> {
    const stat = fs.statSync(filePath);
    const key = JSON.stringify([filePath, stat.size, stat.mtimeMs, overrides, maxRows]);
    const hit = samples.get(key);
    if (hit) return hit;
    const sample = await sampleSource(filePath, maxRows, overrides);
    const entry: CachedSample = { sample };
    samples.set(key, entry);
    while (samples.size > MAX_CACHED_SAMPLES) samples.delete(samples.keys().next().value!);
    return entry;
  }

  return {
    'files/recent': () => settings.recentFiles.filter((f) => fs.existsSync(f.path)),

    'files/open': async (request) => {
      // A URL is downloaded into the app's folder first, then opened like a file; anything that is not text is refused.
      const local = looksLikeUrl(request.path) ? await fetchUrlToFolder(request.path, files.appFolder(settings.downloadsFolder)) : request.path;
      const opened = files.open(local, { recent: false });
      await assertTextFile(opened.path);
      // Only a file that opened is a recent file: a refused one (not text) would come back on Home to fail again.
      settings.rememberOpened(opened.path);
      const stem = opened.path.replace(/\.[^./\\]+$/, '');
      // A rule file beside the data is offered only when the same checks would let the app read it.
      const siblingRulesPath = fs.existsSync(`${stem}.rules.json`) ? files.usableOrNull(`${stem}.rules.json`) : null;
      return { path: opened.path, name: path.basename(opened.path), size: opened.size, siblingRulesPath };
    },

    'files/preview': async (request): Promise<FilePreview> => {
      const filePath = files.authorizeRead(request.path);
      const { sample } = await cachedSample(filePath, request.overrides, request.maxRows);
      const { bomBytes: _bomBytes, ...dialect } = sample.layout.dialect;
      return {
        path: filePath,
        dialect,
        columns: sample.columns,
        // Malformed rows are previewed with their reason, numbered as the import numbers them; inference reads only sample.rows.
        rows: sample.previewRows,
        malformed: sample.malformed,
        rowNumbers: sample.rowNumbers,
        totalBytes: sample.totalBytes,
        inferredRules: inferRules({ columns: sample.columns, rows: sample.rows }),
      };
    },

    'rules/preview': (request): Promise<RulesPreview> => previews.preview(files.authorizeRead(request.path), request.draft, request.overrides),

    'rules/load': (request) => {
      const opened = files.open(request.path, { recent: false });
      if (opened.size > MAX_RULE_FILE_BYTES) throw new AppFailure('RULES_INVALID', `${opened.path} is too large for a rule file.`);
      return { path: opened.path, ruleFile: parseRuleFileText(opened.path, fs.readFileSync(opened.path, 'utf8')) };
    },

    'rules/save': (request) => {
      parseRuleFile(request.ruleFile);
      const target = files.authorizeWrite(request.path, request.overwrite === true);
      writeFileAtomically(target, `${JSON.stringify(request.ruleFile, null, 2)}\n`);
      return { path: target };
    },
  };
}

/** The JSON of a rule file; a syntax error names its line and column only, never the text (the file may be anything). */
function parseRuleFileText(filePath: string, text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    const offset = jsonErrorOffset(body);
    const before = body.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new AppFailure('RULES_INVALID', `${filePath} is not a valid rule file: invalid JSON at line ${line}, column ${column}.`);
  }
}
