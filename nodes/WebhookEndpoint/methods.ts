/** Editor look-ups of the Webhook Endpoint node: the endpoint list and the plan list, on Redis or over the admin API. */
import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodePropertyOptions,
} from 'n8n-workflow';
import { silentLogger } from '../../src/logger';
import type { Plan } from '../../src/types';
import { CREDENTIAL_TYPE } from '../shared/credentials';
import { searchEndpoints } from '../shared/endpointLocator';
import { openGatewaySession } from '../shared/gatewaySession';
import { adminApiManagement } from './adminApiClient';
import { nodeErrorFor } from './errors';

function limitsOf(plan: Plan): string {
	const rate = plan.rate === null ? 'no rate limit' : `${plan.rate}/s, burst ${plan.burst}`;
	const daily = plan.daily === null ? 'no daily limit' : `${plan.daily}/day`;
	return `${rate}; ${daily}`;
}

function planOptions(plans: Plan[]): INodePropertyOptions[] {
	return plans.map((plan) => ({
		name: plan.name === plan.id ? plan.id : `${plan.name} (${plan.id})`,
		value: plan.id,
		description: limitsOf(plan),
	}));
}

/** Whether the node is set to reach the gateway over its admin API (a scoped token). */
function viaAdminApi(ctx: ILoadOptionsFunctions): boolean {
	return ctx.getCurrentNodeParameter('connection') === 'adminApi';
}

/** listSearch of this node: over the admin API when the node uses it, else the triggers' (Redis). */
export async function searchEndpointsOfNode(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	if (!viaAdminApi(this)) return await searchEndpoints.call(this, filter);
	try {
		const endpoints = await (
			await adminApiManagement(this)
		).listEndpoints({ search: filter?.trim() || undefined });
		return {
			results: endpoints.map((e) => ({
				name: `${e.name && e.name !== e.id ? `${e.name} (${e.id})` : e.id} — ${e.url}`,
				value: e.id,
				url: e.url,
			})),
		};
	} catch (error) {
		throw nodeErrorFor(this.getNode(), error, undefined);
	}
}

/** loadOptions: every plan (built-in first), with its limits as description. */
export async function getPlans(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	if (viaAdminApi(this)) {
		try {
			return planOptions(await (await adminApiManagement(this)).listPlans());
		} catch (error) {
			throw nodeErrorFor(this.getNode(), error, undefined);
		}
	}
	const session = await openGatewaySession(
		await this.getCredentials(CREDENTIAL_TYPE),
		silentLogger,
		{ serve: false },
	).catch((error: unknown) => {
		throw nodeErrorFor(this.getNode(), error, undefined);
	});
	try {
		return planOptions(await session.client.management.listPlans());
	} catch (error) {
		throw nodeErrorFor(this.getNode(), error, session.redis);
	} finally {
		await session.close();
	}
}
