/** Endpoint operations: each reads its fields and makes one ManagementService call. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { endpointIdOf } from '../../shared/endpointLocator';
import { endpointInputOf } from './endpointInput';
import { json, limited, type Action } from './types';

export function endpointIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return endpointIdOf(ctx.getNodeParameter('endpoint', itemIndex, '', { extractValue: true }) as string);
}

/** Who created an endpoint, as the registry records it. */
function createdBy(ctx: IExecuteFunctions): string {
	const workflow = ctx.getWorkflow();
	return `n8n workflow "${workflow.name ?? workflow.id}" (${workflow.id}), node "${ctx.getNode().name}"`;
}

/** The endpoint plus the secret, shown this once; `secret` is absent for authentication None. */
function withSecret(result: { endpoint: object; secret?: string }, extra: IDataObject = {}): IDataObject {
	return { ...json(result.endpoint), ...(result.secret === undefined ? {} : { secret: result.secret }), ...extra };
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
		return withSecret(await management.createEndpoint(endpointInputOf(values, 'create'), createdBy(ctx)));
	},

	async get(ctx, management, i) {
		return json(await management.getEndpoint(endpointIdParameter(ctx, i)));
	},

	async getAll(ctx, management, i) {
		const filters = ctx.getNodeParameter('filters', i, {}) as { accountId?: string; search?: string };
		const endpoints = await management.listEndpoints({ accountId: filters.accountId?.trim() || undefined, search: filters.search?.trim() || undefined });
		return limited(ctx, i, endpoints).map(json);
	},

	async update(ctx, management, i) {
		const fields = ctx.getNodeParameter('updateFields', i, {}) as IDataObject;
		if (Object.keys(fields).length === 0) {
			throw new NodeOperationError(ctx.getNode(), 'Nothing to update', { description: 'Add at least one field under Update Fields', itemIndex: i });
		}
		return withSecret(await management.updateEndpoint(endpointIdParameter(ctx, i), endpointInputOf(fields, 'update')));
	},

	async delete(ctx, management, i) {
		const id = endpointIdParameter(ctx, i);
		await management.deleteEndpoint(id, { force: ctx.getNodeParameter('force', i, false) as boolean });
		return { id, deleted: true };
	},

	async rotateSecret(ctx, management, i) {
		const options = ctx.getNodeParameter('rotateOptions', i, {}) as { secret?: string };
		const result = await management.rotateSecret(endpointIdParameter(ctx, i), {
			graceSeconds: ctx.getNodeParameter('graceSeconds', i, 86400) as number,
			secret: options.secret || undefined,
		});
		return withSecret(result, { previousValidUntil: result.previousValidUntil });
	},

	async getUsage(ctx, management, i) {
		return json(await management.endpointUsage(endpointIdParameter(ctx, i)));
	},
};
