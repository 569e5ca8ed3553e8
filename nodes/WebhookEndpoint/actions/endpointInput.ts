/**
 * Turns the node's endpoint fields into the input of ManagementService.createEndpoint /
 * updateEndpoint. Pure: validation stays in the service, which names the bad field.
 */
import { PRESETS } from '../../../src/auth';
import type { EndpointInput } from '../../../src/management/service';

/** Field values as the node reads them: Create's top-level fields merged with "Additional Fields", or "Update Fields". */
export type EndpointFieldValues = Record<string, unknown>;

const TIMESTAMP_PRESETS: string[] = PRESETS.filter((p) => p.timestamp).map((p) => p.id);

/** Not set: a field hidden in the editor is missing (undefined) or read as null. */
function absent(value: unknown): value is undefined | null | '' {
	return value === undefined || value === null || value === '';
}

function text(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	return String(value);
}

function defined<T extends Record<string, unknown>>(object: T): T {
	for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
	return object;
}

/** The `auth` object for the chosen authentication; fields the user did not set keep the service defaults. */
export function authOf(v: EndpointFieldValues): Record<string, unknown> {
	const type = String(v.authentication ?? 'header');
	switch (type) {
		case 'header':
			return defined({
				type,
				headerName: text(v.headerName)?.trim() || undefined,
				prefix: text(v.headerPrefix),
			});
		case 'basic':
			return { type, username: text(v.username) ?? '' };
		case 'hmac': {
			const preset = String(v.hmacPreset ?? 'github');
			if (preset === 'generic') {
				return defined({
					type,
					preset,
					header: text(v.signatureHeader)?.trim() ?? '',
					algorithm: text(v.algorithm),
					encoding: text(v.encoding),
					prefix: text(v.signaturePrefix),
				});
			}
			// 0 (the field's default): the provider's own tolerance, which validation fills in.
			const tolerance =
				absent(v.toleranceSeconds) || Number(v.toleranceSeconds) === 0
					? undefined
					: Number(v.toleranceSeconds);
			return TIMESTAMP_PRESETS.includes(preset)
				? defined({ type, preset, toleranceSeconds: tolerance })
				: { type, preset };
		}
		default:
			return { type };
	}
}

/** Comma-, space- or newline-separated list. */
export function listOf(value: unknown): string[] {
	if (Array.isArray(value))
		return value
			.map(String)
			.map((s) => s.trim())
			.filter(Boolean);
	return String(value ?? '')
		.split(/[\s,]+/)
		.map((s) => s.trim())
		.filter(Boolean);
}

function dedupeOf(v: EndpointFieldValues): Record<string, unknown> {
	const windowSeconds = absent(v.dedupeWindowSeconds) ? undefined : Number(v.dedupeWindowSeconds);
	switch (String(v.dedupe)) {
		case 'off':
			return { source: { type: 'none' } };
		case 'header':
			return defined({
				source: { type: 'header', name: text(v.dedupeHeader) ?? 'idempotency-key' },
				windowSeconds,
			});
		case 'bodyPath':
			return defined({
				source: { type: 'bodyPath', path: text(v.dedupePath) ?? 'id' },
				windowSeconds,
			});
		default:
			// "Provider default": no source, so the service takes the signature preset's delivery ID.
			return defined({ windowSeconds });
	}
}

/**
 * The endpoint's own limits from the fields present (0 = none); undefined when none is present.
 * On update the service keeps the limits not given.
 */
function limitsOf(
	v: EndpointFieldValues,
	has: (key: string) => boolean,
): Record<string, number | null> | undefined {
	const out: Record<string, number | null> = {};
	for (const [field, key] of [
		['endpointRateLimit', 'rate'],
		['endpointBurst', 'burst'],
		['endpointDailyLimit', 'daily'],
	] as const) {
		if (has(field)) out[key] = Number(v[field]) > 0 ? Number(v[field]) : null;
	}
	return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * @param mode 'create' reads every field (absent ones get the service defaults); 'update' sends
 * only the fields present, so everything else stays as it is.
 */
export function endpointInputOf(v: EndpointFieldValues, mode: 'create' | 'update'): EndpointInput {
	// '' counts as given here: clearing the IP allow-list or the description is a change.
	const has = (key: string) => v[key] !== undefined && v[key] !== null;
	const input: EndpointInput = {};
	if (mode === 'create') {
		input.id = text(v.endpointId)?.trim() || undefined;
		input.name = text(v.name)?.trim() || undefined;
		input.accountId = text(v.accountId)?.trim() || 'default';
		input.auth = authOf(v);
	} else {
		if (has('name')) input.name = String(v.name);
		if (has('authentication')) input.auth = authOf(v);
	}
	if (has('description')) input.description = String(v.description);
	const secret = text(v.secret);
	if (secret) input.secret = secret;
	if (has('ipAllowlist')) input.ipAllowlist = listOf(v.ipAllowlist);
	if (has('dedupe')) input.dedupe = dedupeOf(v);
	if (has('handshake')) {
		const handshakeMode = String(v.handshake);
		input.handshake = defined({
			mode: handshakeMode,
			verifyToken: handshakeMode === 'hubChallenge' ? text(v.verifyToken) || undefined : undefined,
		});
	}
	if (has('methods')) input.methods = listOf(v.methods);
	if (has('bufferCapacity'))
		input.bufferCapacity = Number(v.bufferCapacity) > 0 ? Number(v.bufferCapacity) : null;
	if (has('bufferMaxMegabytes'))
		input.bufferMaxBytes =
			Number(v.bufferMaxMegabytes) > 0
				? Math.round(Number(v.bufferMaxMegabytes) * 1024 * 1024)
				: null;
	if (has('enabled')) input.enabled = Boolean(v.enabled);
	if (has('acceptAnswer')) {
		input.acceptResponse =
			String(v.acceptAnswer) === 'custom'
				? {
						status: absent(v.acceptStatus) ? 200 : Number(v.acceptStatus),
						body: text(v.acceptBody) ?? '',
						contentType: text(v.acceptContentType) || undefined,
					}
				: null;
	}
	const limits = limitsOf(v, has);
	if (limits) input.limits = limits;
	return input;
}
