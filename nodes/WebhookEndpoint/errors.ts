/**
 * Errors of a management call as the user sees them: the gateway's typed errors (src/errors.ts)
 * get an actionable description per operation; credential and Redis problems are worded by
 * nodes/shared/errors.ts.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';
import { ConfigError } from '../../src/config';
import { GatewayError } from '../../src/errors';
import { isConnectionError } from '../../src/redis';
import { CredentialValueError } from '../shared/credentials';
import { knownRedisFailure, messageOf } from '../shared/errors';
import { CONFIG_ERROR_MESSAGE } from '../shared/texts';

const TOKEN_LACKS_SCOPE_DESCRIPTION =
	"The token of the Webhook Gateway Admin API credential lacks this right: endpoint changes need the 'manage' scope for the endpoint's account, plans and account plans need 'admin'. Ask the gateway's operator for a token with that scope, or use another credential.";
const TOKEN_REFUSED_DESCRIPTION =
	'The gateway refused the token of the Webhook Gateway Admin API credential: it is wrong or was revoked. Create a new one (console Tokens page or `webhook-gateway tokens create`) and update the credential.';
const ENDPOINT_HAS_SUBSCRIBERS_DESCRIPTION =
	'Deactivate those workflows and remove their subscribers (Subscriber > Remove), or turn on Force to delete anyway and stop their triggers with an error';
const UNKNOWN_ACCOUNT_DESCRIPTION =
	'Check the account ID. An account exists once an endpoint was created for it or a plan was set for it (Account > Set Plan)';
const REJECTED_FIELD_DESCRIPTION =
	'A field of this node has a value the gateway does not accept; correct the field the message names';

export interface ErrorAdvice {
	message: string;
	description?: string;
}

/** Redis could not be reached at all (vs. reached but refusing). */
function unreachable(error: unknown): boolean {
	if (error instanceof GatewayError) return error.code === 'store_unavailable';
	const code = (error as { code?: unknown } | null)?.code;
	return (
		isConnectionError(error) ||
		code === 'ENOTFOUND' ||
		code === 'EAI_AGAIN' ||
		/ENOTFOUND|EAI_AGAIN/.test(messageOf(error))
	);
}

function notFoundAdvice(message: string): string {
	if (message.startsWith('endpoint')) return 'Check the endpoint ID or pick it from the list';
	if (message.startsWith('plan')) return 'Check the plan ID; Plan > Get Many lists every plan';
	if (message.startsWith('account')) {
		return UNKNOWN_ACCOUNT_DESCRIPTION;
	}
	return 'Check the ID in the node';
}

/** Advice when Redis at `where` ("host:port") cannot be reached; `message` is the client's error. */
function unreachableDescription(where: string, message: string): string {
	return `Check the Webhook Gateway credential: Redis at ${where} is not reachable (${message}). Is Redis running there, and are host, port and TLS right? The credential's Test button says more.`;
}

/**
 * @param redis "host:port" of the credential's Redis, for the "not reachable" advice
 */
export function adviceFor(error: unknown, redis: string | undefined): ErrorAdvice {
	const message = messageOf(error);
	const where = redis ?? 'the configured address';
	if (error instanceof CredentialValueError) {
		return {
			message: `The Webhook Gateway credential has a wrong value: ${message}`,
			description: 'Open the credential and correct the field',
		};
	}
	if (error instanceof ConfigError) {
		return { message: CONFIG_ERROR_MESSAGE, description: message };
	}
	if (unreachable(error)) {
		return {
			message: `Redis at ${where} is not reachable`,
			description: unreachableDescription(where, message),
		};
	}
	if (error instanceof GatewayError) {
		switch (error.code) {
			case 'unauthorized':
				// Only the admin API answers these (the "Webhook Gateway Admin API" credential).
				return error.status === 403
					? { message, description: TOKEN_LACKS_SCOPE_DESCRIPTION }
					: { message, description: TOKEN_REFUSED_DESCRIPTION };
			case 'not_found':
				return { message, description: notFoundAdvice(message) };
			case 'conflict':
				if (/has \d+ subscriber\(s\)/.test(message)) {
					return { message, description: ENDPOINT_HAS_SUBSCRIBERS_DESCRIPTION };
				}
				if (/no events; there is nothing to rewind/.test(message))
					return { message, description: 'Wait for events, or rewind another subscriber' };
				return message.startsWith('endpoint')
					? {
							message,
							description: 'Choose another Endpoint ID, or leave it empty for a random one',
						}
					: {
							message,
							description: 'Move those accounts to another plan first (Account > Set Plan)',
						};
			case 'invalid_request':
				return /redis url/i.test(message)
					? { message, description: 'Check the Redis URL in the Webhook Gateway credential' }
					: { message, description: REJECTED_FIELD_DESCRIPTION };
			default:
				return { message };
		}
	}
	// Reachable, but refusing: wrong password, missing permission, TLS mismatch ...
	const redisProblem = knownRedisFailure(error, where, 5);
	if (redisProblem)
		return {
			message: redisProblem,
			description: 'Check the Webhook Gateway credential; its Test button says what is wrong',
		};
	return { message };
}

export function nodeErrorFor(
	node: INode,
	error: unknown,
	redis: string | undefined,
	itemIndex?: number,
): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const { message, description } = adviceFor(error, redis);
	// The original error goes along as the cause (stack in the log); the user sees message + description.
	return new NodeOperationError(node, error instanceof Error ? error : message, {
		message,
		description,
		itemIndex,
	});
}
