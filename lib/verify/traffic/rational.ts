import { gcd } from '../../model/gcd';

/**
 * An exact fraction, so that shares such as 1/3 compare exactly with what a
 * release declared (floating point would make 1/3 + 2/3 ≠ 1 show up as a mismatch).
 */
export class Rational {
  public static readonly ZERO = new Rational(0, 1);
  public static readonly ONE = new Rational(1, 1);

  public static of(numerator: number, denominator = 1): Rational {
    if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator === 0) {
      throw new RangeError(`not a fraction of integers: ${numerator}/${denominator}`);
    }
    const sign = denominator < 0 ? -1 : 1;
    const g = gcd(Math.abs(numerator), Math.abs(denominator)) || 1;
    return new Rational((sign * numerator) / g, (sign * denominator) / g);
  }

  private constructor(
    public readonly numerator: number,
    public readonly denominator: number,
  ) {}

  public plus(o: Rational): Rational {
    return Rational.of(this.numerator * o.denominator + o.numerator * this.denominator, this.denominator * o.denominator);
  }

  public times(o: Rational): Rational {
    return Rational.of(this.numerator * o.numerator, this.denominator * o.denominator);
  }

  public equals(o: Rational): boolean {
    return this.numerator === o.numerator && this.denominator === o.denominator;
  }

  public isZero(): boolean {
    return this.numerator === 0;
  }

  public toNumber(): number {
    return this.numerator / this.denominator;
  }

  /** `1/3`, `1`, `0`. */
  public toString(): string {
    return this.denominator === 1 ? String(this.numerator) : `${this.numerator}/${this.denominator}`;
  }

  /** `33.3%`, `100%`: one decimal when the share is not a whole percentage. */
  public toPercent(): string {
    const pct = (100 * this.numerator) / this.denominator;
    return Number.isInteger(pct) ? `${pct}%` : `${pct.toFixed(1)}%`;
  }
}

