/**
 * The result codes of the Lua scripts, one table (as BullMQ's ErrorCode enum): the TypeScript
 * side maps them by name, and the script loader defines them in every script as Lua locals named
 * `<SCRIPT>_<CODE>` (e.g. `ACCEPT_BUFFER_FULL`), so that a number is written in exactly one place.
 * Each script's contract block lists the names it returns.
 */

export const SCRIPT_CODES = {
	/** acceptEvent: the outcome, first element of its reply. */
	accept: {
		accepted: 0,
		duplicate: 1,
		rateLimited: 2,
		dailyLimitExceeded: 3,
		bufferFull: 4,
		endpointRateLimited: 5,
		endpointDailyLimitExceeded: 6,
	},
	/** takeLease / releaseLease: whether the caller holds (took, gave back) the lease. */
	lease: { notHeld: 0, held: 1 },
	/** replaceField: whether the field still held the value read and was replaced. */
	replace: { changed: 0, replaced: 1 },
	/** trimEvents' third element: whether entries to remove are left (call again). */
	trim: { done: 0, more: 1 },
	/** readEvents' fourth element: whether the byte cap ended the batch. */
	read: { complete: 0, bytesFull: 1 },
} as const;

export type AcceptCode = (typeof SCRIPT_CODES.accept)[keyof typeof SCRIPT_CODES.accept];

function upperSnake(name: string): string {
	return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The codes as Lua constant names and values: `[['ACCEPT_ACCEPTED', 0], ...]`. */
export function luaCodeConstants(
	codes: Readonly<Record<string, Readonly<Record<string, number>>>>,
): [string, number][] {
	return Object.entries(codes).flatMap(([script, table]) =>
		Object.entries(table).map(([code, value]): [string, number] => [
			`${upperSnake(script)}_${upperSnake(code)}`,
			value,
		]),
	);
}
