/**
 * Reading the request log (docs/request-log.md) for the admin API, the CLI and the console:
 * filters given as text are checked here once, and an accepted request's detail says where its
 * event stands for each subscriber.
 */
import { ValidationError } from '../errors';
import type {
	EndpointRef,
	LoggedRequest,
	RequestPage,
	RequestQuery,
	Stores,
	SubscriberDelivery,
} from '../redis';
import { parseDuration } from '../config';

/** The list filters as text (query string or CLI flags); every one optional. */
export interface RequestQueryText {
	/** Comma-separated statuses, e.g. `403,429`. */
	status?: string;
	/** Comma-separated codes, e.g. `unauthorized,rate_limited`. */
	code?: string;
	/** ISO 8601 time, ms since the epoch, or a duration back from now (`15m`, `2h`, `7d`). */
	from?: string;
	to?: string;
	/** Text in the event id or the delivery id. */
	q?: string;
	limit?: string | number;
	cursor?: string;
}

/** An entry and, for a stored event, where it stands per subscriber. */
export interface RequestDetail {
	request: LoggedRequest;
	/** null when the request stored no event (rejected, handshake, ...). */
	event: {
		id: string;
		/** Whether the event is still buffered (false: acknowledged by all and trimmed, or past the event retention). */
		inBuffer: boolean;
		/** One per current subscriber of the endpoint. */
		subscribers: SubscriberDelivery[];
	} | null;
}

export const MAX_REQUEST_PAGE = 1000;
const CODE_RE = /^[a-z_]{1,64}$/;
const CURSOR_RE = /^\d{1,20}-\d{1,20}$/;

function timeOf(text: string | undefined, name: string, nowMs: number): number | undefined {
	if (text === undefined || text === '') return undefined;
	if (/^\d{10,}$/.test(text)) return Number(text);
	const back = /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/i.test(text) ? parseDuration(text) : undefined;
	if (back !== undefined) return nowMs - back;
	const ms = Date.parse(text);
	if (Number.isNaN(ms))
		throw new ValidationError(
			`${name} must be an ISO 8601 time, ms since the epoch or a duration such as 15m (got '${text.slice(0, 40)}')`,
		);
	return ms;
}

function list(text: string | undefined): string[] {
	return (text ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** @throws ValidationError naming the bad filter. */
export function parseRequestQuery(input: RequestQueryText, nowMs = Date.now()): RequestQuery {
	const status = list(input.status).map((s) => {
		if (!/^[1-5]\d\d$/.test(s))
			throw new ValidationError(
				`status must be HTTP statuses separated by commas, e.g. 403,429 (got '${s.slice(0, 20)}')`,
			);
		return Number(s);
	});
	const code = list(input.code);
	for (const c of code)
		if (!CODE_RE.test(c))
			throw new ValidationError(
				`code must be outcome codes separated by commas, e.g. unauthorized,rate_limited (got '${c.slice(0, 40)}')`,
			);
	const limitText = input.limit === undefined || input.limit === '' ? '100' : String(input.limit);
	const limit = Number(limitText);
	if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_REQUEST_PAGE)
		throw new ValidationError(`limit must be a whole number from 1 to ${MAX_REQUEST_PAGE}`);
	if (input.cursor && !CURSOR_RE.test(input.cursor))
		throw new ValidationError('cursor must be the nextCursor of a previous page');
	if (input.q !== undefined && input.q.length > 256)
		throw new ValidationError('q must be at most 256 characters');
	const fromMs = timeOf(input.from, 'from', nowMs);
	const toMs = timeOf(input.to, 'to', nowMs);
	if (fromMs !== undefined && toMs !== undefined && fromMs > toMs)
		throw new ValidationError('from must not be after to');
	return {
		status,
		code,
		fromMs,
		toMs,
		q: input.q || undefined,
		limit,
		cursor: input.cursor || undefined,
	};
}

/** A page of the endpoint's request log, newest first. */
export async function listRequests(
	stores: Pick<Stores, 'requestLog'>,
	ep: EndpointRef | 'unknown',
	input: RequestQueryText,
): Promise<RequestPage> {
	return await stores.requestLog.list(ep, parseRequestQuery(input));
}

/** One entry with its event's delivery state, or undefined when the log no longer has it. */
export async function requestDetail(
	stores: Pick<Stores, 'requestLog'>,
	ep: EndpointRef,
	requestId: string,
): Promise<RequestDetail | undefined> {
	const request = await stores.requestLog.get(ep, requestId);
	if (!request) return undefined;
	if (!request.eventId || request.code !== 'accepted') return { request, event: null };
	const delivery = await stores.requestLog.delivery(ep, request.eventId);
	return { request, event: { id: request.eventId, ...delivery } };
}
