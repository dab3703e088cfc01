// Scalars are fixed-point with 3 decimals, as in Mesos: stored as integer milli-units so
// 0.1 + 0.2 == 0.3 exactly.

/** Largest scalar we can hold exactly in milli-units. */
export const MAX_SCALAR = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** Milli-units of a scalar value, rounded half away from zero (Mesos uses llround). */
export function toMillis(value: number): number {
  return value < 0 ? -Math.round(-value * 1000) : Math.round(value * 1000);
}

/** Scalar value of a number of milli-units. */
export function fromMillis(millis: number): number {
  return millis / 1000;
}

/** A scalar rounded to 0.001 the way it is stored. */
export function roundScalar(value: number): number {
  return fromMillis(toMillis(value));
}
