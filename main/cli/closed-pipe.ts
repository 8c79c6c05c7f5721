/**
 * A reader that stops early (`sluice quarantine … | head -1`) closes the
 * pipe; the next write fails with EPIPE. That is a normal end for a command
 * whose output was only partly wanted: exit 0, quietly, no stack trace.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}
