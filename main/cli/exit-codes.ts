/** Exit codes are part of the CLI's contract: scripts branch on them. */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  CANCELLED: 130,
} as const;

export interface CommandResult {
  exitCode: number;
}
