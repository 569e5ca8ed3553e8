/**
 * Body parsing by content type (README "What a sender gets back", check 6, and "The event a workflow receives": JSON parsed, form
 * parsed, text as string, anything else as base64). Only the raw bytes are buffered (README "Buffer and delivery guarantees": keep the
 * bytes once), so this one pure function runs twice: at ingest to answer 400 `invalid_body`, and
 * at delivery to rebuild `body` from those bytes. It must therefore be deterministic: the same
 * content type and bytes always give a deep-equal result.
 */
import { TextDecoder } from 'node:util';

import busboy from 'busboy';

import { mediaType, parseContentType } from './headers';
import { collectFields, parseUrlEncoded, type FieldMap } from './query';
import { messageOf } from '../errors';

/** The outcome of {@link parseBody}; `message` is short, safe to return to the sender. */
export type ParsedBody = { ok: true; body: unknown } | { ok: false; message: string };

/** One file part of a `multipart/form-data` body. */
export interface MultipartFile {
	/** The part's form field name ('' when the part has none). */
	field: string;
	/** The file name as sent, without any directory part; null when the part has none. */
	filename: string | null;
	/** The part's media type (`text/plain` when the part does not say). */
	contentType: string;
	/** Size of the file in bytes. */
	size: number;
	/** The file's bytes, base64. */
	data: string;
}

/** The parsed form of a `multipart/form-data` body. */
export interface MultipartBody {
	/** Non-file parts; a repeated name becomes an array in order. */
	fields: FieldMap;
	/** File parts in order. */
	files: MultipartFile[];
}

/** Longest `message` returned; V8's JSON errors quote the body, and a reply should stay small. */
const MAX_MESSAGE_LENGTH = 200;

/**
 * Deepest JSON nesting (arrays and objects) accepted. JSON.parse copes with any depth, but
 * JSON.stringify and structuredClone overflow the stack at a few thousand levels, so a deeper
 * body would be accepted here and then break every reader (admin peek, n8n's item copies). Real
 * webhook payloads nest a few dozen levels at most.
 */
export const MAX_JSON_DEPTH = 512;

/** RFC 2046 §5.1.1 boundary characters; length is not capped so that lax senders still work. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]*[0-9A-Za-z'()+_,\-./:=?]$/;

type BodyKind = 'json' | 'form' | 'multipart' | 'text' | 'binary';

/**
 * Parses the raw bytes of a request body by its content type.
 *
 * - empty body → `null`, whatever the type;
 * - `application/json`, `text/json`, `application/*+json` → the parsed JSON value (a leading
 *   BOM is ignored); nesting deeper than {@link MAX_JSON_DEPTH} fails;
 * - `application/x-www-form-urlencoded` → an object, repeated names as arrays (see `parseQuery`);
 * - `multipart/form-data` → {@link MultipartBody};
 * - `text/*`, `application/xml`, `application/*+xml`, `application/javascript`,
 *   `application/graphql` → a string;
 * - no content type → JSON if the bytes are UTF-8 JSON (at most {@link MAX_JSON_DEPTH} deep),
 *   else a string if they are UTF-8, else base64;
 * - anything else → the bytes as base64 (never fails).
 *
 * A `charset` parameter other than UTF-8/US-ASCII is honoured for JSON, text and forms when node
 * knows the label. Names such as `__proto__` in forms and multipart fields become own data
 * properties and never change a prototype.
 *
 * @param contentType - The request's Content-Type header, parameters included; undefined if absent.
 * @param raw - The exact body bytes (already bounded by the gateway's size limit).
 * @returns `{ok: true, body}`, or `{ok: false, message}` saying what is wrong (at most 200
 *   characters, never the whole body).
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
	if (raw.length === 0) return { ok: true, body: null };
	const type = mediaType(contentType);
	if (type === '') return { ok: true, body: sniff(raw) };

	const kind = bodyKind(type);
	switch (kind) {
		case 'binary':
			return { ok: true, body: raw.toString('base64') };
		case 'multipart':
			return await parseMultipart(contentType ?? '', raw);
		default:
			return parseText(kind, contentTypeParameter(contentType ?? '', 'charset'), raw);
	}
}

function bodyKind(type: string): BodyKind {
	if (type === 'application/json' || type === 'text/json') return 'json';
	if (type === 'application/x-www-form-urlencoded') return 'form';
	if (type === 'multipart/form-data') return 'multipart';
	if (type.startsWith('text/')) return 'text';
	if (
		type === 'application/xml' ||
		type === 'application/javascript' ||
		type === 'application/graphql'
	) {
		return 'text';
	}
	if (type.startsWith('application/')) {
		if (type.endsWith('+json')) return 'json';
		if (type.endsWith('+xml')) return 'text';
	}
	return 'binary';
}

/** JSON, text and form bodies: decode with the declared charset, then parse. */
function parseText(
	kind: 'json' | 'form' | 'text',
	charset: string | undefined,
	raw: Buffer,
): ParsedBody {
	// Form names and values may legitimately start with U+FEFF, so only JSON and text drop a BOM.
	const decoder = decoderFor(charset, kind === 'form');
	if (typeof decoder === 'string') return failure(decoder);
	const encodingName = isUtf8(charset) ? 'UTF-8' : (charset ?? 'UTF-8');

	if (kind === 'form') {
		try {
			return { ok: true, body: parseUrlEncoded(raw, decoder) };
		} catch {
			// The decoder is fatal, so the only error here is an invalid byte sequence.
			return failure(`form body is not valid ${encodingName}`);
		}
	}

	let text: string;
	try {
		text = decoder.decode(raw);
	} catch {
		const what = kind === 'json' ? encodingName : `${encodingName} text`;
		return failure(`body is not valid ${what}`);
	}
	if (kind === 'text') return { ok: true, body: text };
	let value: unknown;
	try {
		value = JSON.parse(text) as unknown;
	} catch (error) {
		return failure(`body is not valid JSON: ${messageOf(error)}`);
	}
	if (jsonTooDeep(value)) return failure(`JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
	return { ok: true, body: value };
}

/**
 * Whether a parsed JSON value nests arrays/objects deeper than {@link MAX_JSON_DEPTH} (the value
 * itself is level 1). Walks the containers only, and stops one level past the limit, so the walk
 * itself stays far from the stack's limit; a typical 1 KiB body takes about a tenth of a
 * microsecond (a scan of the text took twenty times that).
 */
export function jsonTooDeep(value: unknown, depth = 1): boolean {
	if (value === null || typeof value !== 'object') return false;
	if (depth > MAX_JSON_DEPTH) return true;
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) if (jsonTooDeep(value[i], depth + 1)) return true;
		return false;
	}
	// JSON.parse makes plain objects (own data properties, a "__proto__" key included).
	for (const key in value)
		if (jsonTooDeep((value as Record<string, unknown>)[key], depth + 1)) return true;
	return false;
}

/** No content type: take the most specific reading that fits the bytes. */
function sniff(raw: Buffer): unknown {
	let text: string;
	try {
		text = (decoderFor(undefined, false) as TextDecoder).decode(raw);
	} catch {
		return raw.toString('base64');
	}
	try {
		const value = JSON.parse(text) as unknown;
		// Too deep to be handled as JSON downstream: keep it as the text it also is.
		return jsonTooDeep(value) ? text : value;
	} catch {
		// Not JSON: plain text is the next most specific reading, not an error.
		return text;
	}
}

/**
 * Decoders by label and BOM handling. A fatal TextDecoder used without `stream` keeps no state
 * between decode calls, so one per label serves every request; constructing one costs about as
 * much as decoding a 1 KiB body. Only labels node knows are kept, and at most MAX_DECODERS.
 */
const decoders = new Map<string, TextDecoder>();
const MAX_DECODERS = 64;

/**
 * A fatal decoder for a charset parameter, or a message when node does not know the label.
 * US-ASCII maps to UTF-8 (its superset) because WHATWG maps the `us-ascii` label to
 * windows-1252, which would accept bytes that are not ASCII at all.
 */
function decoderFor(charset: string | undefined, ignoreBOM: boolean): TextDecoder | string {
	const label = isUtf8(charset) ? 'utf-8' : (charset ?? 'utf-8');
	const cacheKey = ignoreBOM ? `${label} ignoreBOM` : label;
	const cached = decoders.get(cacheKey);
	if (cached) return cached;
	try {
		const decoder = new TextDecoder(label, { fatal: true, ignoreBOM });
		// WHATWG maps a few dangerous labels (ISO-2022-KR, ...) to "replacement", which decodes nothing.
		if (decoder.encoding !== 'replacement') {
			if (decoders.size < MAX_DECODERS) decoders.set(cacheKey, decoder);
			return decoder;
		}
	} catch {
		// RangeError: unknown label, answered below.
	}
	return `unsupported charset ${charset ?? ''}`;
}

function isUtf8(charset: string | undefined): boolean {
	return (
		charset === undefined ||
		charset === '' ||
		charset === 'utf-8' ||
		charset === 'utf8' ||
		charset === 'us-ascii' ||
		charset === 'ascii'
	);
}

/** `multipart/form-data` through busboy, from the buffered bytes. */
async function parseMultipart(contentType: string, raw: Buffer): Promise<ParsedBody> {
	const boundary = contentTypeParameter(contentType, 'boundary', false);
	if (boundary === undefined || !BOUNDARY.test(boundary)) {
		return failure('multipart/form-data content type has no valid boundary');
	}
	let parser: busboy.Busboy;
	try {
		// The gateway already bounded the body, so busboy's own limits (1 MiB per field) would
		// only truncate values silently. Browsers and HTTP clients send raw UTF-8 in field names
		// and file names, which busboy would otherwise read as latin1.
		parser = busboy({
			headers: { 'content-type': contentType },
			defParamCharset: 'utf8',
			limits: { fieldSize: Infinity, fileSize: Infinity },
		});
	} catch (error) {
		return failure(`multipart body cannot be parsed: ${messageOf(error)}`);
	}

	return await new Promise<ParsedBody>((resolve) => {
		const fields: Array<[string, string]> = [];
		const files: Array<Omit<MultipartFile, 'size' | 'data'> & { chunks: Buffer[] }> = [];
		let settled = false;
		const fail = (error: unknown) => {
			if (settled) return;
			settled = true;
			resolve(failure(`multipart body is malformed: ${messageOf(error)}`));
		};

		parser.on('field', (name, value) => {
			fields.push([name ?? '', value]);
		});
		parser.on('file', (name, stream, info) => {
			const file = {
				field: name ?? '',
				filename: info.filename ?? null,
				contentType: info.mimeType,
				chunks: [] as Buffer[],
			};
			files.push(file);
			stream.on('data', (chunk: Buffer) => file.chunks.push(chunk));
			// Without a listener a truncated file part would crash the process.
			stream.on('error', fail);
		});
		parser.on('error', fail);
		// 'close' follows 'finish', which busboy holds back until every file stream has ended.
		parser.on('close', () => {
			if (settled) return;
			settled = true;
			const body: MultipartBody = {
				fields: collectFields(fields),
				files: files.map(({ chunks, ...file }) => {
					const data = Buffer.concat(chunks);
					return { ...file, size: data.length, data: data.toString('base64') };
				}),
			};
			resolve({ ok: true, body });
		});
		parser.end(raw);
	});
}

/**
 * One parameter of a Content-Type value (see {@link parseContentType}); undefined when absent.
 * Values are lower-cased unless `lowerCase` is false (boundaries are case-sensitive, charset
 * labels are not).
 */
function contentTypeParameter(
	contentType: string,
	name: string,
	lowerCase = true,
): string | undefined {
	const { parameters } = parseContentType(contentType);
	if (!Object.hasOwn(parameters, name)) return undefined;
	const value = parameters[name];
	return lowerCase ? value.toLowerCase() : value;
}

function failure(message: string): ParsedBody {
	return {
		ok: false,
		message:
			message.length > MAX_MESSAGE_LENGTH
				? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`
				: message,
	};
}
