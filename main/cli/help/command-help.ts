/**
 * One shape for every command's `--help`: a summary, usage lines, each option
 * with a one-line description, and examples. A new command adds one
 * `<command>-help.ts` exporting a CommandHelp and prints `renderHelp(...)`.
 */
export interface OptionHelp {
  /** The flag as typed, e.g. `--db`; a positional argument is written `<file>`. */
  flag: string;
  /** The value it takes, e.g. `<store>`; absent for switches. */
  value?: string;
  description: string;
}

export interface CommandHelp {
  command: string;
  summary: string;
  usage: string[];
  options: OptionHelp[];
  examples: { command: string; note: string }[];
  notes?: string[];
}

/** Options every command takes. */
const COMMON: OptionHelp[] = [
  { flag: '--help', description: 'print this help and exit' },
  { flag: '--debug', description: 'print stack traces of unexpected errors' },
];

export function renderHelp(help: CommandHelp): string {
  const options = [...help.options, ...COMMON];
  const labels = options.map((option) => (option.value ? `${option.flag} ${option.value}` : option.flag));
  const width = Math.max(...labels.map((label) => label.length));
  const lines = [
    `sluice ${help.command}: ${help.summary}`,
    '',
    'Usage:',
    ...help.usage.map((line) => `  sluice ${line}`),
    '',
    'Options:',
    ...options.map((option, i) => `  ${labels[i]!.padEnd(width)}  ${option.description}`),
    '',
    'Examples:',
    ...help.examples.flatMap((example) => [`  # ${example.note}`, `  sluice ${example.command}`]),
  ];
  if (help.notes?.length) lines.push('', ...help.notes);
  return lines.join('\n');
}

/** The usage lines alone, for usage errors. */
export function renderUsage(help: CommandHelp): string {
  return help.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}sluice ${line}`).join('\n');
}
