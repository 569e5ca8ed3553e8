/**
 * components.schemas of the admin API's OpenAPI document: the shapes of src/management/schemas
 * (the same zod schemas that type ManagementService and check the admin routes' input) and the
 * error answer.
 */
import type { ErrorCode } from '../../errors';
import { componentSchemas } from '../../management/schemas';
import { object, type Schema } from './helpers';

/** Codes the admin API answers with (the other ErrorCodes belong to ingest). */
export const ADMIN_ERROR_CODES: ErrorCode[] = [
	'invalid_request',
	'unauthorized',
	'not_found',
	'conflict',
	'payload_too_large',
	'store_unavailable',
	'internal_error',
];

export function schemas(): Record<string, Schema> {
	const error = object(
		{ error: object({ code: { enum: ADMIN_ERROR_CODES }, message: { type: 'string' } }) },
		{ description: 'Every failure' },
	);
	return { ...componentSchemas(), Error: error };
}
