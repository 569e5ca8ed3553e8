/**
 * The layout of the buffer's streams, named once: the fields of an endpoint stream entry, of a
 * dead letter and of a replayed entry, the replay consumer group and consumer, the ref prefixes,
 * and how one accepted event is encoded in one field (docs/architecture.md "Stream entry").
 *
 * Lua cannot import TypeScript, so the script loader (client.ts) prepends `luaPreamble()` to every
 * script: the names below become Lua locals (`F_EVENT`, `REPLAY_GROUP`, ...) and the scripts use
 * those instead of literals. Drift is caught twice: a script naming an undefined constant fails
 * on its first call (Redis forbids globals), and test/unit/stream-schema.test.ts fails when any
 * script spells one of these names as a literal.
 *
 * Entry format: one field `e` holding `<header count>[L]\n<method>\n<path>\n<query>\n<ip>\n` then
 * `<name>\n<value>\n` per header, then the raw body bytes. `L` says that a `content-length`
 * header equal to the body's length was left out (it is put back on reading). One field instead
 * of six, lines instead of a JSON object and no redundant content-length keep a GitHub push's
 * entry ~90 bytes smaller, so that three share a 4 KB stream node instead of two
 * (docs/benchmarks.md "Memory per buffered event"). A `\` or newline inside a part (never from
 * HTTP, which forbids them there) is escaped as `\\` / `\n`. Entries written by earlier versions
 * (fields m, p, q, h as JSON, ip, b) are still decoded.
 */
import { SCRIPT_CODES, luaCodeConstants } from './scriptCodes';

/** Field names of the stream entries. */
export const FIELDS = {
	/** The whole event in one value (see the header comment). */
	event: 'e',
	/** The event id the sender got, on replayed entries and dead letters (their own ids differ). */
	eventId: 'eid',
	/** Dead letter: subscriber id, failed attempts, last error. */
	subscriber: 'sub',
	attempts: 'att',
	error: 'err',
} as const;

/** Fields of entries written by versions before the one-field entry; read, never written. */
export const LEGACY_FIELDS = {
	method: 'm',
	path: 'p',
	query: 'q',
	headers: 'h',
	sourceIp: 'ip',
	body: 'b',
} as const;

/** Consumer group on each subscriber's replay stream (on the endpoint stream: the subscriber id). */
export const REPLAY_GROUP = 'g';
/** The one consumer name in every group: readers are told apart by leases, not consumers. */
export const CONSUMER = 'c';
/** Ref prefixes: `s:<id>` endpoint stream, `r:<id>` replay stream, `d:<id>` dead letter. */
export const REF = { stream: 's', replay: 'r', deadLetter: 'd' } as const;

/** The ref of an entry: `<source>:<id>` (see REF). */
export function refOf(source: (typeof REF)[keyof typeof REF], id: string): string {
	return `${source}:${id}`;
}

/** One buffered event as stored: raw bytes, nothing parsed. */
export interface StoredEntry {
	/** 's:<streamId>' (endpoint stream) or 'r:<replayId>' (replayed dead letter); what ack/nack take. */
	ref: string;
	/** The id the sender got with its 202. */
	eventId: string;
	receivedAtMs: number;
	method: string;
	path: string;
	/** Raw query string without '?'. */
	query: string;
	headers: Record<string, string>;
	sourceIp: string;
	body: Buffer;
}

/** What `encodeEventHead` takes: an event without its body. */
export type EventHead = Pick<StoredEntry, 'method' | 'path' | 'query' | 'sourceIp' | 'headers'>;

const NEEDS_ESCAPE = /[\\\n]/;

function escapePart(part: string): string {
	return NEEDS_ESCAPE.test(part) ? part.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : part;
}

function unescapePart(part: string): string {
	return part.includes('\\')
		? part.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
		: part;
}

const CONTENT_LENGTH = 'content-length';
/** Suffix of the header count: a content-length equal to the body's length was left out. */
const LENGTH_LEFT_OUT = 'L';

/**
 * Everything of the `e` field before the body (the body's bytes follow it unchanged).
 * @param bodyLength the body's length in bytes (a content-length equal to it is not stored)
 */
export function encodeEventHead(head: EventHead, bodyLength: number): string {
	let names = Object.keys(head.headers);
	const leftOut = head.headers[CONTENT_LENGTH] === String(bodyLength);
	if (leftOut) names = names.filter((name) => name !== CONTENT_LENGTH);
	let out = `${names.length}${leftOut ? LENGTH_LEFT_OUT : ''}\n${escapePart(head.method)}\n${escapePart(head.path)}\n${escapePart(head.query)}\n${escapePart(head.sourceIp)}\n`;
	for (const name of names) out += `${escapePart(name)}\n${escapePart(head.headers[name])}\n`;
	return out;
}

/** The stored size of an event (what the byte capacity counts): its `e` value's length, bytes. */
export function storedSize(entry: EventHead & { body: Buffer }): number {
	return Buffer.byteLength(encodeEventHead(entry, entry.body.length)) + entry.body.length;
}

/** A header map that keeps a header literally named `__proto__` as a header. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
	Object.defineProperty(headers, name, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

function decodeEvent(value: Buffer): Omit<StoredEntry, 'ref' | 'eventId' | 'receivedAtMs'> {
	let at = 0;
	const line = (): string => {
		const end = value.indexOf(10, at);
		if (end < 0) throw new Error('a stored event ends before its head does');
		const text = value.toString('utf8', at, end);
		at = end + 1;
		return text;
	};
	const countLine = line();
	const leftOut = countLine.endsWith(LENGTH_LEFT_OUT);
	const count = Number.parseInt(countLine, 10) || 0;
	const [method, path, query, sourceIp] = [line(), line(), line(), line()].map(unescapePart);
	const pairs: [string, string][] = [];
	for (let i = 0; i < count; i++) pairs.push([unescapePart(line()), unescapePart(line())]);
	const body = value.subarray(at);
	if (leftOut) {
		// Back at its place among the names (stored headers are sorted by name).
		const at = pairs.findIndex(([name]) => name > CONTENT_LENGTH);
		pairs.splice(at < 0 ? pairs.length : at, 0, [CONTENT_LENGTH, String(body.length)]);
	}
	const headers: Record<string, string> = {};
	for (const [name, v] of pairs) setHeader(headers, name, v);
	return { method, path, query, sourceIp, headers, body };
}

function decodeLegacy(
	map: Map<string, Buffer>,
): Omit<StoredEntry, 'ref' | 'eventId' | 'receivedAtMs'> {
	const text = (name: string) => map.get(name)?.toString() ?? '';
	let headers: Record<string, string> = {};
	try {
		headers = JSON.parse(text(LEGACY_FIELDS.headers) || '{}') as Record<string, string>;
	} catch {
		// An unreadable header field of an old entry: the event is still delivered, without headers.
		headers = {};
	}
	return {
		method: text(LEGACY_FIELDS.method),
		path: text(LEGACY_FIELDS.path),
		query: text(LEGACY_FIELDS.query),
		headers,
		sourceIp: text(LEGACY_FIELDS.sourceIp),
		body: map.get(LEGACY_FIELDS.body) ?? Buffer.alloc(0),
	};
}

/** ms since the epoch of a stream id. */
export function streamIdMs(id: string): number {
	return Number(id.slice(0, id.indexOf('-')));
}

/** Decodes one entry's fields (as XRANGE returns them, as buffers), of either format. */
export function decodeEntry(ref: string, fields: Buffer[]): StoredEntry {
	const map = new Map<string, Buffer>();
	for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i].toString(), fields[i + 1]);
	const eventId = map.get(FIELDS.eventId)?.toString() ?? ref.slice(2);
	const event = map.get(FIELDS.event);
	return {
		ref,
		eventId,
		receivedAtMs: streamIdMs(eventId),
		...(event ? decodeEvent(event) : decodeLegacy(map)),
	};
}

/** The fields of a replayed entry (XADD arguments after the id). */
export function replayFields(entry: StoredEntry): (string | Buffer)[] {
	return [
		FIELDS.eventId,
		entry.eventId,
		FIELDS.event,
		Buffer.concat([Buffer.from(encodeEventHead(entry, entry.body.length)), entry.body]),
	];
}

/** Lua names of the schema: what `luaPreamble` defines, and what no script may spell as a literal. */
export const LUA_SCHEMA: Readonly<Record<string, string>> = {
	F_EVENT: FIELDS.event,
	F_EVENT_ID: FIELDS.eventId,
	F_SUBSCRIBER: FIELDS.subscriber,
	F_ATTEMPTS: FIELDS.attempts,
	F_ERROR: FIELDS.error,
	REPLAY_GROUP,
	CONSUMER,
	REF_STREAM: REF.stream,
	REF_REPLAY: REF.replay,
};

/**
 * One line of Lua that defines the schema names and the script codes (scriptCodes.ts) as locals;
 * the loader puts it before every script.
 */
export function luaPreamble(): string {
	const constants: [string, string | number][] = [
		...Object.entries(LUA_SCHEMA),
		...luaCodeConstants(SCRIPT_CODES),
	];
	const names = constants.map(([name]) => name).join(', ');
	const values = constants
		.map(([, v]) => (typeof v === 'number' ? String(v) : `'${v}'`))
		.join(', ');
	return `local ${names} = ${values}\n`;
}
