/**
 * What a caster returns instead of a value. Casters are hot (one call per cell),
 * so each allocates its failures once at compile time and returns the same
 * instance every time; the field checker turns it into a RowFailure.
 */
export class CastFailure {
  constructor(
    /** 'type' when the text is not of the field's type, 'format' for string formats and 'range' for out-of-range numbers. */
    readonly rule: 'type' | 'format' | 'range',
    /** Completes "age: "abc" …", e.g. "is not an integer". */
    readonly text: string,
  ) {}
}
