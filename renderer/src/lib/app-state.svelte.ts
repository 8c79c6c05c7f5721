import type {
  AppInfo,
  DialectOverrides,
  FilePreview,
  ImportProgress,
  ImportSummary,
  OpenedFile,
  RuleProblem,
} from '../../../main/app/contract.js';
import { api, errorMessage, type Connection } from './api.js';
import { asRuleFileDraft, type RuleFileDraft } from './rule-draft.js';

export type Screen = 'home' | 'preview' | 'rules' | 'import' | 'quarantine' | 'data' | 'export';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
  /** The screen that raised it: the notice shows there only, not on every screen until dismissed. */
  screen: Screen;
}

/** What the screens share: the open file, its preview and rule draft, and the running import. */
export class AppState {
  screen = $state<Screen>('home');
  info = $state.raw<AppInfo | null>(null);
  file = $state.raw<OpenedFile | null>(null);
  overrides = $state<DialectOverrides>({});
  preview = $state.raw<FilePreview | null>(null);
  previewError = $state<string | null>(null);
  ruleDraft = $state<RuleFileDraft>({ fields: [] });
  rulesPath = $state<string | null>(null);
  /** The draft as last loaded from or saved to `rulesPath` (JSON), to tell the user about unsaved edits. */
  rulesSavedJson = $state<string | null>(null);
  /** What the last rules check found wrong with the draft; an import is not started while there are any. */
  ruleProblems = $state.raw<RuleProblem[]>([]);
  /** The draft (as JSON) that `ruleProblems` were found in: problems of an older draft say nothing about this one. */
  private checkedDraft = $state<string | null>(null);
  importId = $state<number | null>(null);
  progress = $state.raw<ImportProgress | null>(null);
  summary = $state.raw<ImportSummary | null>(null);
  /** Bumped when imports or tables change, so lists reload. */
  dataVersion = $state(0);
  notice = $state<Notice | null>(null);
  /** Whether the backend answers; the shell shows a banner while it does not. */
  connection = $state<Connection>(api.connection);

  constructor() {
    api.onEvent('import/progress', (progress) => {
      if (progress.importId === this.importId) this.progress = progress;
    });
    api.onEvent('import/finished', (summary) => {
      if (summary.importId === this.importId) this.summary = summary;
      this.dataVersion += 1;
    });
    api.onEvent('app/open-file', ({ path }) => void this.openFile(path));
    api.onConnection((state) => {
      const wasLost = this.connection !== 'online';
      this.connection = state;
      // Events sent while we were away are lost: reload what they would have updated.
      if (state === 'online' && wasLost) {
        this.dataVersion += 1;
        if (this.importId !== null) this.watchImport(this.importId, this.screen);
      }
    });
  }

  async load(): Promise<void> {
    try {
      this.info = await api.call('app/info', {});
    } catch (error) {
      this.notify('error', errorMessage(error));
    }
  }

  notify(kind: Notice['kind'], text: string): void {
    // While the backend is unreachable every call fails the same way; the connection banner already says so.
    if (kind === 'error' && this.connection !== 'online') return;
    this.notice = { kind, text, screen: this.screen };
  }

  /** Opens a data file the user chose, previews it and drafts rules (from a sibling rule file when there is one). */
  async openFile(path: string): Promise<boolean> {
    try {
      const file = await api.call('files/open', { path });
      this.file = file;
      this.overrides = {};
      this.preview = null;
      this.importId = null;
      this.progress = null;
      this.summary = null;
      await this.loadPreview();
      if (file.siblingRulesPath) {
        const loaded = await api.call('rules/load', { path: file.siblingRulesPath });
        this.ruleDraft = asRuleFileDraft(loaded.ruleFile);
        this.rulesPath = loaded.path;
        this.rulesSavedJson = JSON.stringify(this.ruleDraft);
      } else {
        // loadPreview replaced this.preview; read it afresh (TypeScript still sees the null set above).
        const preview = this.preview as FilePreview | null;
        this.ruleDraft = asRuleFileDraft(preview?.inferredRules);
        this.rulesPath = null;
      }
      this.setRuleProblems('', []);
      this.screen = 'preview';
      this.notice = null;
      return true;
    } catch (error) {
      this.notify('error', errorMessage(error));
      return false;
    }
  }

  async loadPreview(): Promise<void> {
    if (!this.file) return;
    try {
      this.preview = await api.call('files/preview', { path: this.file.path, overrides: $state.snapshot(this.overrides) });
      this.previewError = null;
    } catch (error) {
      this.previewError = errorMessage(error);
    }
  }

  /** The draft differs from the rule file it came from (or was saved to). */
  get rulesUnsaved(): boolean {
    return this.rulesPath !== null && this.rulesSavedJson !== JSON.stringify(this.ruleDraft);
  }

  /** True when the current draft is known to be invalid. */
  get rulesInvalid(): boolean {
    return this.ruleProblems.length > 0 && this.checkedDraft === JSON.stringify(this.ruleDraft);
  }

  /** Records what a rules preview of `draftJson` found. */
  setRuleProblems(draftJson: string, problems: RuleProblem[]): void {
    this.checkedDraft = draftJson;
    this.ruleProblems = problems;
  }

  /** Checks the current draft unless it was checked already (the Rules screen checks as you type). */
  async checkRules(): Promise<void> {
    const draft = JSON.stringify(this.ruleDraft);
    if (!this.file || draft === this.checkedDraft) return;
    const preview = await api.call('rules/preview', { path: this.file.path, draft: JSON.parse(draft) as unknown, overrides: $state.snapshot(this.overrides) });
    this.setRuleProblems(draft, preview.problems);
  }

  watchImport(importId: number, screen: Screen = 'import'): void {
    this.importId = importId;
    this.progress = null;
    this.summary = null;
    this.screen = screen;
    api.call('import/state', { importId }).then(
      (state) => {
        if (this.importId !== importId) return;
        this.progress ??= state.progress;
        this.summary ??= state.summary;
      },
      (error: unknown) => {
        if (this.connection === 'online') this.notify('error', errorMessage(error));
      },
    );
  }
}

export const app = new AppState();
