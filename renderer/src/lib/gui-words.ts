/**
 * The engine's messages are written for the command line ("use --resume"); in the app the same advice is a
 * button. One mapping, applied where the app shows an engine message, so the CLI keeps its own words.
 */
const FLAG_WORDS: [RegExp, string][] = [
  [/\(--resume, with a larger --max-errors\)/g, '(Resume it after raising the error budget)'],
  [/with --resume/g, 'with Resume'],
  [/Use --resume to continue it or --restart to start over/g, 'Resume it, or start over'],
  [/Use --restart to import it again from the start/g, 'Start over to import it again from the start'],
  [/import it again with --restart/g, 'import it again (Start over)'],
  [/--max-errors( N)?/g, 'the error budget'],
  [/--fail-fast/g, '“Stop at the first bad row”'],
  [/--resume/g, 'Resume'],
  [/--restart/g, 'Start over'],
];

export function guiWords(message: string): string {
  return FLAG_WORDS.reduce((text, [pattern, words]) => text.replace(pattern, words), message);
}
