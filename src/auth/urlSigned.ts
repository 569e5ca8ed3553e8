/**
 * Schemes whose signature covers the URL the provider called: Twilio (URL + sorted POST
 * parameters, HMAC-SHA1), Square (notification URL + body) and HubSpot v3 (method + URL + body +
 * timestamp). Each candidate URL from `candidateUrls` is tried.
 */
import { createHash, createHmac } from 'node:crypto';
import { bytesEqual, decodeSignature } from './constantTime';
import { anyMatch } from './hmac';
import { candidateUrls } from './requestUrl';
import {
	OK,
	fail,
	headerValues,
	signatureValues,
	type AuthRequest,
	type AuthResult,
} from './request';

/**
 * Twilio's signed string: the URL, then each POST parameter as name + value, names sorted (and
 * the values of a repeated name sorted too), as twilio-node's `getExpectedTwilioSignature` builds it.
 */
export function twilioSignedString(url: string, params: URLSearchParams): string {
	const byName = new Map<string, string[]>();
	for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value]);
	let out = url;
	for (const name of [...byName.keys()].sort()) {
		for (const value of (byName.get(name) ?? []).sort()) out += name + value;
	}
	return out;
}

/** Form parameters of the body; a JSON body is signed through `bodySHA256` in the URL instead. */
function twilioParams(url: string, rawBody: Buffer): { params: URLSearchParams; bodyOk: boolean } {
	const query = url.indexOf('?') < 0 ? '' : url.slice(url.indexOf('?') + 1);
	const bodyHash = new URLSearchParams(query).get('bodySHA256');
	if (bodyHash !== null) {
		const presented = decodeSignature(bodyHash, 'hex');
		const actual = createHash('sha256').update(rawBody).digest();
		return {
			params: new URLSearchParams(),
			bodyOk: presented !== undefined && bytesEqual(presented, actual),
		};
	}
	return { params: new URLSearchParams(rawBody.toString('utf8')), bodyOk: true };
}

/** Twilio: `X-Twilio-Signature: base64(HMAC-SHA1(auth token, URL + sorted params))`. */
export function verifyTwilio(req: AuthRequest, secrets: string[]): AuthResult {
	const presented = signatureValues(req.headers, 'x-twilio-signature')
		.map((s) => decodeSignature(s, 'base64'))
		.filter((b): b is Buffer => b !== undefined);
	if (headerValues(req.headers, 'x-twilio-signature').length === 0)
		return fail('missing_signature');
	const urls = candidateUrls(req);
	if (urls.length === 0) return fail('missing_url');
	const { params, bodyOk } = twilioParams(req.url ?? '', req.rawBody);
	if (!bodyOk) return fail('invalid_signature');
	for (const url of urls) {
		const signed = twilioSignedString(url, params);
		if (
			anyMatch(presented, secrets, (secret) =>
				createHmac('sha1', secret).update(signed, 'utf8').digest(),
			)
		)
			return OK;
	}
	return fail('invalid_signature');
}

/** Square: `x-square-hmacsha256-signature: base64(HMAC-SHA256(signature key, notification URL + body))`. */
export function verifySquare(req: AuthRequest, secrets: string[]): AuthResult {
	const values = signatureValues(req.headers, 'x-square-hmacsha256-signature');
	if (values.length === 0) return fail('missing_signature');
	const presented = values
		.map((s) => decodeSignature(s, 'base64'))
		.filter((b): b is Buffer => b !== undefined);
	const urls = candidateUrls(req);
	if (urls.length === 0) return fail('missing_url');
	for (const url of urls) {
		if (
			anyMatch(presented, secrets, (secret) =>
				createHmac('sha256', secret).update(url, 'utf8').update(req.rawBody).digest(),
			)
		)
			return OK;
	}
	return fail('invalid_signature');
}

/** The escapes HubSpot decodes in the URI before signing (its v3 docs list exactly these). */
const HUBSPOT_DECODED: Record<string, string> = {
	'%3A': ':',
	'%2F': '/',
	'%3F': '?',
	'%40': '@',
	'%21': '!',
	'%24': '$',
	'%27': "'",
	'%28': '(',
	'%29': ')',
	'%2A': '*',
	'%2C': ',',
	'%3B': ';',
};

/** A URL with HubSpot's listed escapes decoded. */
export function hubspotUri(url: string): string {
	return url.replace(
		/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
		(m) => HUBSPOT_DECODED[m.toUpperCase()] ?? m,
	);
}

/**
 * HubSpot v3: `X-HubSpot-Signature-v3: base64(HMAC-SHA256(client secret, method + URI + body +
 * timestamp))` with `X-HubSpot-Request-Timestamp` in milliseconds, rejected beyond the tolerance.
 */
export function verifyHubspot(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	toleranceSeconds: number,
): AuthResult {
	const values = signatureValues(req.headers, 'x-hubspot-signature-v3');
	if (values.length === 0) return fail('missing_signature');
	const timestamp = headerValues(req.headers, 'x-hubspot-request-timestamp')[0]?.trim();
	if (timestamp === undefined) return fail('missing_timestamp');
	if (!/^\d{1,15}$/.test(timestamp)) return fail('invalid_timestamp');
	if (Math.abs(nowMs - Number(timestamp)) > toleranceSeconds * 1000) return fail('stale_timestamp');
	const presented = values
		.map((s) => decodeSignature(s, 'base64'))
		.filter((b): b is Buffer => b !== undefined);
	const urls = candidateUrls(req);
	if (urls.length === 0) return fail('missing_url');
	for (const url of urls) {
		const digestFor = (secret: string) =>
			createHmac('sha256', secret)
				.update(`${req.method}${hubspotUri(url)}`, 'utf8')
				.update(req.rawBody)
				.update(timestamp)
				.digest();
		if (anyMatch(presented, secrets, digestFor)) return OK;
	}
	return fail('invalid_signature');
}
