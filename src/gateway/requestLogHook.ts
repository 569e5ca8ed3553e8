/**
 * The ingest path's hook into the request log (docs/request-log.md): what the handler learnt
 * about a request, turned into one in-memory record after the answer was written. No I/O here;
 * the store writes its entries in batches off the request path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from '../redis';
import { clientIp, type TrustFn } from './clientIp';

/** The store's one method the ingest path uses. */
export interface RequestRecorder {
	record(r: RequestRecord): void;
}

/** Facts the handler collects while it checks a request (all optional: a check may stop it early). */
export interface RequestSeen {
	/** Owning account once the endpoint was found. */
	accountId?: string;
	sourceIp?: string;
	/** Bytes of the body read. */
	bytes?: number;
	eventId?: string;
	deliveryId?: string;
	/** Which check failed, from GatewayError.reason. */
	reason?: string;
}

/**
 * Records one answered request. An id that names no endpoint goes to the shared unknown-id log,
 * and only when the answer was 404 endpoint_not_found (anything else needs an endpoint).
 */
export function recordAnswered(
	recorder: RequestRecorder | undefined,
	req: IncomingMessage,
	res: ServerResponse,
	endpointId: string,
	outcome: string,
	seen: RequestSeen,
	trust: TrustFn,
	timeMs: number,
): void {
	if (!recorder) return;
	if (seen.accountId === undefined && outcome !== 'endpoint_not_found') return;
	const declared = Number(req.headers['content-length']);
	recorder.record({
		accountId: seen.accountId,
		endpointId,
		timeMs,
		method: req.method ?? 'GET',
		sourceIp: seen.sourceIp ?? clientIp(req, trust),
		status: res.statusCode,
		code: outcome,
		reason: seen.reason,
		bytes: seen.bytes ?? (Number.isFinite(declared) && declared >= 0 ? declared : 0),
		eventId: seen.eventId,
		deliveryId: seen.deliveryId,
	});
}
