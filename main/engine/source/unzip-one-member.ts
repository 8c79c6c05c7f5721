import { Transform, type TransformCallback } from 'node:stream';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { SluiceError } from '../errors.js';

/** Entries a zip may hold besides its one data file: folders and macOS/Windows metadata. */
function isMetadataEntry(name: string): boolean {
  return name.endsWith('/') || name.startsWith('__MACOSX/') || /(^|\/)\.[^/]*$/.test(name) || /(^|\/)(Thumbs\.db|desktop\.ini)$/i.test(name);
}

/**
 * Streams the one data member out of a zip (fflate's streaming Unzip, so the
 * archive is never held whole). A second data member is refused: which of
 * them to import is the user's choice.
 */
export class UnzipOneMember extends Transform {
  private readonly unzip = new Unzip();
  private member: string | null = null;
  private failure: Error | null = null;
  private memberDone = false;

  constructor(private readonly displayName: string) {
    super();
    this.unzip.register(UnzipInflate);
    this.unzip.onfile = (file: UnzipFile) => {
      if (isMetadataEntry(file.name)) return;
      if (this.member !== null) {
        this.failure = new SluiceError(
          'NOT_TEXT',
          `${displayName} holds more than one data file (${this.member}, ${file.name}, …); Sluice imports a zip with exactly one. Extract the one you want and import it.`,
        );
        return;
      }
      this.member = file.name;
      file.ondata = (error, data, final) => {
        if (error) this.failure = new SluiceError('NOT_TEXT', `${displayName}: the zip member ${file.name} cannot be read (${error.message}).`);
        else if (data.length > 0) this.push(data);
        if (final) this.memberDone = true;
      };
      try {
        file.start();
      } catch (error) {
        this.failure = new SluiceError('NOT_TEXT', `${displayName}: ${file.name} uses a compression Sluice cannot read (${(error as Error).message}).`);
      }
    };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.unzip.push(chunk, false);
    } catch (error) {
      callback(new SluiceError('NOT_TEXT', `${this.displayName} is not a readable zip archive (${(error as Error).message}).`));
      return;
    }
    callback(this.failure);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.unzip.push(new Uint8Array(0), true);
    } catch (error) {
      callback(new SluiceError('NOT_TEXT', `${this.displayName} is not a readable zip archive (${(error as Error).message}).`));
      return;
    }
    if (this.failure) callback(this.failure);
    else if (this.member === null) callback(new SluiceError('NOT_TEXT', `${this.displayName} is a zip archive with no data file in it.`));
    else if (!this.memberDone) callback(new SluiceError('NOT_TEXT', `${this.displayName}: the zip archive ends before ${this.member} does (truncated).`));
    else callback();
  }
}
