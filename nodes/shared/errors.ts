/**
 * Turns what can go wrong between n8n and the gateway (Redis unreachable, wrong password, TLS,
 * unknown endpoint, bad settings) into messages a low-code user can act on, and wraps them as
 * NodeOperationError for the editor.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';
import { ConfigError } from '../../src/config';
import { GatewayError, messageOf, NotFoundError } from '../../src/errors';
import { CredentialValueError } from './credentials';
import { CONFIG_ERROR_MESSAGE } from './texts';

function codeOf(error: unknown): string {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' ? code : '';
}

/** "80BC…:error:0A00010B:SSL routines:ssl3_get_record:reason:../deps/…" → "reason". */
function opensslReason(message: string): string {
	const match = /SSL routines:[^:]*:([^:]+)/.exec(message);
	return (match ? match[1] : message).trim();
}

export { messageOf };

/** Advice for an endpoint ID that is not registered; `redis` is "host:port" or "Redis". */
function unknownEndpointDescription(redis: string): string {
	return `No endpoint with this ID is registered in ${redis} under this credential's key prefix. Pick one from the list, or create it with the Webhook Endpoint node (or \`webhook-gateway endpoints create\`).`;
}

/** Advice for a Redis failure; `message` is the original error's. */
function redisFailureDescription(message: string): string {
	return `Check the Webhook Gateway credential (its Test button says what is wrong). Original error: ${message}`;
}

/**
 * Plain words for a failed Redis connection or command.
 * @param target "host:port" (or cluster seeds) the client was pointed at.
 * @param timeoutSeconds the limit the caller applied, for the time-out wording.
 */
export function describeRedisFailure(
	error: unknown,
	target: string,
	timeoutSeconds?: number,
): string {
	return (
		knownRedisFailure(error, target, timeoutSeconds) ??
		`Redis at ${target} answered with an error: ${messageOf(error)}`
	);
}

/** Like describeRedisFailure, but undefined for errors that are not about reaching Redis. */
export function knownRedisFailure(
	error: unknown,
	target: string,
	timeoutSeconds?: number,
): string | undefined {
	const message = messageOf(error);
	const code = codeOf(error);
	if (/timed out|ETIMEDOUT/i.test(message) || code === 'ETIMEDOUT') {
		return `Timed out${timeoutSeconds === undefined ? '' : ` after ${timeoutSeconds} s`} connecting to Redis at ${target}. Check the host and port, that a firewall lets n8n reach it, and whether the server expects TLS.`;
	}
	if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) {
		return `Connection refused at ${target}: nothing accepts connections there. Check that Redis is running and that host and port are right.`;
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(message)) {
		return `Host not found: the name in ${target} does not resolve. Check the host name.`;
	}
	if (/WRONGPASS|invalid username-password|invalid password/i.test(message)) {
		return `Authentication failed at ${target} (WRONGPASS): the user name or password is wrong.`;
	}
	if (/NOAUTH|Authentication required/i.test(message)) {
		return `Authentication failed at ${target} (NOAUTH): the server requires a password; enter it in the credential.`;
	}
	if (/NOPERM|no permissions/i.test(message)) {
		return `Permission denied at ${target} (NOPERM): the Redis user may not run the commands the gateway needs (streams, scripts, hashes).`;
	}
	if (
		/^ERR_(SSL|TLS)/.test(code) ||
		/CERT|SELF_SIGNED/.test(code) ||
		/\b(ssl|tls)\b|certificate|wrong version number/i.test(message)
	) {
		if (/wrong version number|packet length too long/i.test(message)) {
			return `TLS error with ${target}: the server does not answer in TLS. Switch TLS off (or use redis:// instead of rediss://), or point to the server's TLS port.`;
		}
		return `TLS error with ${target}: ${opensslReason(message)}. Check that the server speaks TLS and that its certificate is trusted.`;
	}
	if (code === 'ECONNRESET' || /ECONNRESET|socket hang up|Connection is closed/i.test(message)) {
		return `The connection to ${target} was closed by the other side (${message}). If the server requires TLS, switch TLS on (or use a rediss:// URL).`;
	}
	if (/ClusterAllFailedError|Failed to refresh slots cache/i.test(message)) {
		return `No cluster seed node answered (${target}): ${message}. Check the Cluster Seed Nodes.`;
	}
	if (
		/MaxRetriesPerRequest/i.test(message) ||
		/enableOfflineQueue|Stream isn't writeable/i.test(message)
	) {
		return `Redis at ${target} could not be reached (${message}).`;
	}
	return undefined;
}

/**
 * A NodeOperationError for the editor and the execution list.
 * @param doing what the node was doing, e.g. "activate the Webhook Batch Trigger".
 */
export function toNodeError(
	node: INode,
	error: unknown,
	doing: string,
	context: { endpointId?: string; redis?: string } = {},
): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof NotFoundError && context.endpointId) {
		return new NodeOperationError(node, `Endpoint '${context.endpointId}' does not exist`, {
			description: unknownEndpointDescription(context.redis ?? 'Redis'),
		});
	}
	if (error instanceof CredentialValueError) {
		return new NodeOperationError(
			node,
			`The Webhook Gateway credential has a wrong value: ${error.message}`,
			{ description: 'Open the credential and correct the field.' },
		);
	}
	if (error instanceof ConfigError) {
		return new NodeOperationError(node, CONFIG_ERROR_MESSAGE, { description: error.message });
	}
	if (error instanceof GatewayError && error.status < 500) {
		return new NodeOperationError(node, `Could not ${doing}: ${error.message}`);
	}
	const message = messageOf(error);
	const redisProblem = knownRedisFailure(error, context.redis ?? 'Redis');
	if (redisProblem) {
		return new NodeOperationError(node, `Could not ${doing}: ${redisProblem}`, {
			description: redisFailureDescription(message),
		});
	}
	return new NodeOperationError(node, `Could not ${doing}: ${message}`);
}
