/**
 * src/ logs a message plus structured fields; n8n's default text console prints only the message.
 * This adapter keeps the fields as n8n metadata and also writes them into the message, so an
 * operator reading `docker logs` sees which endpoint and subscriber a line is about.
 */
import type { Logger as N8nLogger } from 'n8n-workflow';
import type { Logger } from '../../src/logger';

function render(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value instanceof Error) return value.message;
	return JSON.stringify(value);
}

/** "message (key=value, ...)"; the message alone when there are no fields. */
export function withFields(message: string, fields?: Record<string, unknown>): string {
	const parts = Object.entries(fields ?? {})
		.filter(([, v]) => v !== undefined)
		.map(([k, v]) => `${k}=${render(v)}`);
	return parts.length > 0 ? `${message} (${parts.join(', ')})` : message;
}

export function gatewayLogger(logger: N8nLogger): Logger {
	return {
		debug: (message, fields) => logger.debug(withFields(message, fields), fields),
		info: (message, fields) => logger.info(withFields(message, fields), fields),
		warn: (message, fields) => logger.warn(withFields(message, fields), fields),
		error: (message, fields) => logger.error(withFields(message, fields), fields),
	};
}
