/**
 * Webhook Endpoint: the action node for managing the gateway (docs/admin-api.md). Thin: each operation
 * reads its fields (actions/) and calls the one ManagementService on the process-wide shared Redis
 * client of the credential, released after the run.
 */
import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { silentLogger } from '../../src/logger';
import { auditedManagement } from '../../src/management/audited';
import { CREDENTIAL_TEST_METHOD, webhookGatewayApiTest } from '../shared/credentialTest';
import { CREDENTIAL_TYPE } from '../shared/credentials';
import { openGatewaySession, type GatewaySession } from '../shared/gatewaySession';
import { gatewayLogger } from '../shared/logger';
import { adminApiManagement, type NodeManagement } from './adminApiClient';
import { accountActions } from './actions/account';
import { endpointActions } from './actions/endpoint';
import { eventActions } from './actions/event';
import { planActions } from './actions/plan';
import { subscriberActions } from './actions/subscriber';
import { n8nActor, type Action } from './actions/types';
import { accountFields, accountOperations } from './descriptions/AccountDescription';
import { endpointFields, endpointOperations } from './descriptions/EndpointDescription';
import { eventFields, eventOperations } from './descriptions/EventDescription';
import { planFields, planOperations } from './descriptions/PlanDescription';
import { subscriberFields, subscriberOperations } from './descriptions/SubscriberDescription';
import { nodeErrorFor } from './errors';
import { getPlans, searchEndpointsOfNode } from './methods';

const CONNECTION_DESCRIPTION =
	'How this node reaches the gateway. A scoped token limits what this n8n can change; Redis gives it everything.';

const ACTIONS: Record<string, Record<string, Action>> = {
	account: accountActions,
	endpoint: endpointActions,
	event: eventActions,
	plan: planActions,
	subscriber: subscriberActions,
};

/** Runs `action` per item on Redis (`session`) or, without a session, over the admin API. */
async function runActions(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	action: Action,
	session: GatewaySession | undefined,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	const fail = (error: unknown, i: number) => {
		const nodeError = nodeErrorFor(ctx.getNode(), error, session?.redis, i);
		if (!ctx.continueOnFail()) throw nodeError;
		output.push({
			json: { error: nodeError.message, description: nodeError.description },
			pairedItem: { item: i },
		});
	};
	let management: NodeManagement;
	try {
		// On Redis, changes are written to the audit log like the admin API's, naming this workflow
		// and node; over the API, the gateway records them under the token's name.
		management = session
			? auditedManagement(
					session.client.management,
					session.client.stores.audit,
					n8nActor(ctx),
					gatewayLogger(ctx.logger),
				)
			: await adminApiManagement(ctx);
	} catch (error) {
		items.forEach((_, i) => fail(error, i));
		return output;
	}
	for (let i = 0; i < items.length; i++) {
		try {
			const result = await action(ctx, management, i);
			for (const json of Array.isArray(result) ? result : [result])
				output.push({ json, pairedItem: { item: i } });
		} catch (error) {
			fail(error, i);
		}
	}
	return output;
}

// Deliberately not usableAsTool (see the comment in the description).
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class WebhookEndpoint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Endpoint',
		name: 'webhookEndpoint',
		icon: { light: 'file:webhookEndpoint.svg', dark: 'file:webhookEndpoint.dark.svg' },
		group: ['transform'],
		// 1.1: the secret is left out of the output unless "Include Secret In Output" is on.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Manage the webhook gateway: endpoints, plans, accounts, buffered events and subscribers',
		defaults: { name: 'Webhook Endpoint' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Not usableAsTool: an AI agent could then delete endpoints, set any account to an unlimited
		// plan, replay events or read secrets on a prompt's say-so. Every operation here changes or
		// reveals the shared gateway of all teams, so none is offered to agents.
		// Literal names (CREDENTIAL_TYPE, CREDENTIAL_TEST_METHOD): n8n's lint reads them from the source.
		credentials: [
			{
				name: 'webhookGatewayApi',
				required: true,
				testedBy: 'webhookGatewayApiTest',
				displayOptions: { show: { connection: ['redis'] } },
			},
			{
				name: 'webhookGatewayAdminApi',
				required: true,
				displayOptions: { show: { connection: ['adminApi'] } },
			},
		],
		properties: [
			{
				displayName: 'Connect Through',
				name: 'connection',
				type: 'options',
				noDataExpression: true,
				default: 'redis',
				options: [
					{
						name: 'Admin API Token',
						value: 'adminApi',
						description:
							"The gateway's admin API with a scoped token: only the token's scopes and accounts",
					},
					{
						name: 'Redis (Direct)',
						value: 'redis',
						description: 'Full rights over every account; for single-team installs',
					},
				],
				description: CONNECTION_DESCRIPTION,
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'endpoint',
				options: [
					{
						name: 'Account',
						value: 'account',
						description: 'Owner of endpoints; its plan limits them all',
					},
					{ name: 'Endpoint', value: 'endpoint', description: 'A global webhook URL' },
					{
						name: 'Event',
						value: 'event',
						description: 'Buffered events and dead letters of an endpoint',
					},
					{ name: 'Plan', value: 'plan', description: 'Rate, burst and daily limits' },
					{
						name: 'Subscriber',
						value: 'subscriber',
						description: 'The triggers reading an endpoint: lag, remove, rewind',
					},
				],
			},
			...endpointOperations,
			...endpointFields,
			...planOperations,
			...planFields,
			...accountOperations,
			...accountFields,
			...eventOperations,
			...eventFields,
			...subscriberOperations,
			...subscriberFields,
		],
	};

	methods = {
		listSearch: { searchEndpoints: searchEndpointsOfNode },
		loadOptions: { getPlans },
		credentialTest: { [CREDENTIAL_TEST_METHOD]: webhookGatewayApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const action = ACTIONS[resource]?.[operation];
		if (!action)
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" is not supported for "${resource}"`,
			);

		if (this.getNodeParameter('connection', 0, 'redis') === 'adminApi')
			return [await runActions(this, items, action, undefined)];

		let session: GatewaySession;
		try {
			session = await openGatewaySession(await this.getCredentials(CREDENTIAL_TYPE), silentLogger, {
				serve: false,
			});
		} catch (error) {
			const nodeError = nodeErrorFor(this.getNode(), error, undefined);
			if (!this.continueOnFail()) throw nodeError;
			return [
				items.map((_, i) => ({
					json: { error: nodeError.message, description: nodeError.description },
					pairedItem: { item: i },
				})),
			];
		}

		try {
			return [await runActions(this, items, action, session)];
		} finally {
			await session.close();
		}
	}
}
