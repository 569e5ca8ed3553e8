/** Editor look-ups of the Webhook Endpoint node: the endpoint list (shared) and the plan list. */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { silentLogger } from '../../src/logger';
import type { Plan } from '../../src/types';
import { CREDENTIAL_TYPE } from '../shared/credentials';
import { openGatewaySession } from '../shared/gatewaySession';
import { nodeErrorFor } from './errors';

function limitsOf(plan: Plan): string {
	const rate = plan.rate === null ? 'no rate limit' : `${plan.rate}/s, burst ${plan.burst}`;
	const daily = plan.daily === null ? 'no daily limit' : `${plan.daily}/day`;
	return `${rate}; ${daily}`;
}

/** loadOptions: every plan (built-in first), with its limits as description. */
export async function getPlans(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const session = await openGatewaySession(await this.getCredentials(CREDENTIAL_TYPE), silentLogger, { serve: false }).catch((error: unknown) => {
		throw nodeErrorFor(this.getNode(), error, undefined);
	});
	try {
		const plans = await session.client.management.listPlans();
		return plans.map((plan) => ({ name: plan.name === plan.id ? plan.id : `${plan.name} (${plan.id})`, value: plan.id, description: limitsOf(plan) }));
	} catch (error) {
		throw nodeErrorFor(this.getNode(), error, session.redis);
	} finally {
		await session.close();
	}
}
