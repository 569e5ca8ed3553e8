/** Endpoint operations: each reads its fields and makes one ManagementService call. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { endpointIdOf } from '../../shared/endpointLocator';
import { endpointInputOf } from './endpointInput';
import { json, limited, type Action } from './types';

export function endpointIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return endpointIdOf(
		ctx.getNodeParameter('endpoint', itemIndex, '', { extractValue: true }) as string,
	);
}

/** Who created an endpoint, as the registry records it. */
function createdBy(ctx: IExecuteFunctions): string {
	const workflow = ctx.getWorkflow();
	return `n8n workflow "${workflow.name ?? workflow.id}" (${workflow.id}), node "${ctx.getNode().name}"`;
}

/**
 * The endpoint plus its new secret (shown this once; absent for authentication None): the secret
 * itself only when `include`, else `secretHint` with its last 4 characters, because n8n stores the
 * output of every execution where anyone who can open them reads it.
 */
export function withSecret(
	result: { endpoint: object; secret?: string },
	include: boolean,
	extra: IDataObject = {},
): IDataObject {
	const secret =
		result.secret === undefined
			? {}
			: include
				? { secret: result.secret }
				: { secretHint: `…${result.secret.slice(-4)}` };
	return { ...json(result.endpoint), ...secret, ...extra };
}

/** "Include Secret In Output": on by default in version 1, off from 1.1. */
function includeSecret(ctx: IExecuteFunctions, i: number): boolean {
	return ctx.getNodeParameter('includeSecret', i, ctx.getNode().typeVersion < 1.1) as boolean;
}

export const endpointActions: Record<string, Action> = {
	async create(ctx, management, i) {
		// Fields hidden for the chosen authentication are absent: null, which endpointInputOf skips.
		const optional = (name: string) => ctx.getNodeParameter(name, i, null);
		const values = {
			endpointId: ctx.getNodeParameter('endpointId', i, ''),
			name: ctx.getNodeParameter('name', i, ''),
			accountId: ctx.getNodeParameter('accountId', i, 'default'),
			authentication: ctx.getNodeParameter('authentication', i, 'header'),
			headerName: optional('headerName'),
			headerPrefix: optional('headerPrefix'),
			username: optional('username'),
			hmacPreset: optional('hmacPreset'),
			signatureHeader: optional('signatureHeader'),
			algorithm: optional('algorithm'),
			encoding: optional('encoding'),
			signaturePrefix: optional('signaturePrefix'),
			toleranceSeconds: optional('toleranceSeconds'),
			...(ctx.getNodeParameter('additionalFields', i, {}) as IDataObject),
		};
		return withSecret(
			await management.createEndpoint(endpointInputOf(values, 'create'), createdBy(ctx)),
			includeSecret(ctx, i),
		);
	},

	async get(ctx, management, i) {
		return json(await management.getEndpoint(endpointIdParameter(ctx, i)));
	},

	async getAll(ctx, management, i) {
		const filters = ctx.getNodeParameter('filters', i, {}) as {
			accountId?: string;
			search?: string;
		};
		const endpoints = await management.listEndpoints({
			accountId: filters.accountId?.trim() || undefined,
			search: filters.search?.trim() || undefined,
		});
		return limited(ctx, i, endpoints).map(json);
	},

	async update(ctx, management, i) {
		const fields = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
		if (Object.keys(fields).length === 0) {
			throw new NodeOperationError(ctx.getNode(), 'Nothing to update', {
				description: 'Add at least one field under Update Fields',
				itemIndex: i,
			});
		}
		return withSecret(
			await management.updateEndpoint(
				endpointIdParameter(ctx, i),
				endpointInputOf(fields, 'update'),
			),
			includeSecret(ctx, i),
		);
	},

	async delete(ctx, management, i) {
		const id = endpointIdParameter(ctx, i);
		await management.deleteEndpoint(id, {
			force: ctx.getNodeParameter('force', i, false) as boolean,
		});
		return { id, deleted: true };
	},

	async rotateSecret(ctx, management, i) {
		const options = ctx.getNodeParameter('rotateOptions', i, {}) as { secret?: string };
		const result = await management.rotateSecret(endpointIdParameter(ctx, i), {
			graceSeconds: ctx.getNodeParameter('graceSeconds', i, 86400) as number,
			secret: options.secret || undefined,
		});
		return withSecret(result, includeSecret(ctx, i), {
			previousValidUntil: result.previousValidUntil,
		});
	},

	async getUsage(ctx, management, i) {
		return json(await management.endpointUsage(endpointIdParameter(ctx, i)));
	},
};
