import {
	NodeConnectionTypes,
	type IHttpRequestMethods,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { webhookGatewayApiTest } from '../shared/credentialTest';
import { credentialDeclaration } from '../shared/options';
import { serveIngress } from './ingress';

/** Every method n8n routes to a webhook (OPTIONS it answers itself). */
const METHODS: IHttpRequestMethods[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

/**
 * n8n matches a dynamic path by its number of segments: one template per depth of sub-path kept
 * in the event (`/hooks/<id>/a/b` has depth 2).
 */
export const MAX_SUB_PATH_SEGMENTS = 6;

function pathTemplates(): IWebhookDescription[] {
	const out: IWebhookDescription[] = [];
	for (let depth = 0; depth <= MAX_SUB_PATH_SEGMENTS; depth++) {
		const sub = Array.from({ length: depth }, (_, i) => `/:s${i + 1}`).join('');
		out.push({
			name: 'default',
			httpMethod: METHODS.join(','),
			// Under the node's webhook id: `<n8n>/webhook/<webhook id>/hooks/<endpoint id>[/sub/path]`.
			path: `hooks/:endpointId${sub}`,
			isFullPath: true,
			responseMode: 'onReceived',
			// The panel lists the endpoint URL once, without the sub-path templates.
			ndvHideUrl: depth > 0,
			ndvHideMethod: true,
		});
	}
	return out;
}

export class WebhookGatewayIngress implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Gateway Ingress',
		name: 'webhookGatewayIngress',
		icon: {
			light: 'file:../../icons/webhookGateway.svg',
			dark: 'file:../../icons/webhookGateway.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		subtitle: 'Every endpoint, on n8n’s URL',
		description: "Receives every gateway endpoint on n8n's own webhook URL; starts no execution",
		defaults: { name: 'Webhook Gateway Ingress' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDeclaration,
		webhooks: pathTemplates(),
		triggerPanel: {
			header: 'Endpoints are served under this node’s URL once the workflow is active',
			executionsHelp: {
				inactive:
					'Activate this workflow: n8n then receives every endpoint at <this URL without ":endpointId">/<endpoint id>. Requests start no execution here; the Webhook Batch and Raw Triggers of your other workflows receive the events.',
				active:
					'Active: n8n receives every endpoint under this URL and answers senders itself (202, 403, 429, …). Requests start no execution; Batch and Raw Triggers receive the events.',
			},
			activationHint: 'Activate the workflow to serve every endpoint on n8n’s own URL.',
		},
		properties: [
			{
				displayName:
					'Put this node in one workflow of its own and activate it. Every endpoint is then reachable at the production URL above with ":endpointId" replaced by the endpoint’s ID. Set the credential’s Public Base URL to that URL up to "/hooks", so that the endpoint lists show it.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				// n8n reads `options.binaryData` of a version-1 webhook node and then leaves the request
				// body unread: the gateway reads the exact bytes itself (size limit, signatures).
				displayName: 'Options',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
		],
	};

	methods = {
		credentialTest: { webhookGatewayApiTest },
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		await serveIngress(this);
		// The answer is written; no workflowData: n8n starts no execution.
		return { noWebhookResponse: true };
	}
}
