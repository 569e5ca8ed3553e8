/** Argument parsers for commander: a bad value is a usage error (exit code 2). */
import { InvalidArgumentError } from 'commander';

/** A whole number ≥ 0, e.g. for --grace and --count. */
export function wholeNumber(value: string): number {
	if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number.');
	return Number(value.trim());
}

/** A whole number ≥ 1. */
export function positiveNumber(value: string): number {
	const n = wholeNumber(value);
	if (n < 1) throw new InvalidArgumentError('expected a whole number greater than 0.');
	return n;
}
