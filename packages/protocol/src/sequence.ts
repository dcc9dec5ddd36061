/**
 * The sequence numbers one side puts on the frames it sends on a connection:
 * 0 for the first (the box's HelloResponse, a terminal's HelloRequest), then
 * 1, 2, … modulo 65536. The two directions count independently.
 */
export class SequenceCounter {
  private nextValue = 0;

  /** The number for the next frame sent. */
  next(): number {
    const value = this.nextValue;
    this.nextValue = (value + 1) & 0xffff;
    return value;
  }

  /** The number the next frame will carry, without taking it. */
  peek(): number {
    return this.nextValue;
  }

  /** Starts again at 0, as on a new connection. */
  reset(): void {
    this.nextValue = 0;
  }
}

/** The sequence number that follows `value`. */
export function nextSequence(value: number): number {
  return (value + 1) & 0xffff;
}
