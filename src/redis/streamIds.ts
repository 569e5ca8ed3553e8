/**
 * Stream ids (`<ms>-<seq>`) and XINFO replies, as the subscriber code compares and reads them.
 */

export const STREAM_ID_RE = /^(\d{1,20})-(\d{1,20})$/;
const MAX_SEQ = 18446744073709551615n;

/** Orders two stream ids ('<ms>-<seq>'). */
export function compareStreamIds(a: string, b: string): number {
	const [am, as] = a.split('-').map(BigInt);
	const [bm, bs] = b.split('-').map(BigInt);
	return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** The stream id just before `id`, so that a read "after" it starts with `id` itself. */
export function previousStreamId(id: string): string {
	const [ms, seq] = id.split('-').map(BigInt);
	if (seq > 0n) return `${ms}-${seq - 1n}`;
	return ms > 0n ? `${ms - 1n}-${MAX_SEQ}` : '0-0';
}

/** ms since the epoch of a stream id (Redis assigns ids from its clock). */
export function msOf(id: string): number {
	return Number(id.slice(0, id.indexOf('-')));
}

/** A flat XINFO reply (`[name, value, name, value, ...]`) as a map. */
export function fieldsOf(row: unknown[]): Map<string, unknown> {
	const f = new Map<string, unknown>();
	for (let i = 0; i + 1 < row.length; i += 2) f.set(String(row[i]), row[i + 1]);
	return f;
}
