/** Greatest common divisor of two integers, for shares and weights written in lowest terms. */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
