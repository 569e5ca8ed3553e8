import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const BASE_URL_DESCRIPTION =
	"Address of the gateway's admin API, without /api/v1: the public address, or the admin port when WEBHOOK_GATEWAY_ADMIN_PORT is set";
const TOKEN_DESCRIPTION =
	"A scoped token (wgwt_…) from `webhook-gateway tokens create` or the console's Tokens page. A `read` token can list and get; `manage` can change endpoints; plans and account plans need `admin`.";

/**
 * A scoped token for a gateway's admin API: the Webhook Endpoint node then manages endpoints over
 * HTTP with only the token's rights (docs/security.md, docs/admin-api.md#scoped-tokens) instead of
 * raw Redis access. The triggers still need the Redis credential: they read the buffer.
 */
export class WebhookGatewayAdminApi implements ICredentialType {
	name = 'webhookGatewayAdminApi';

	displayName = 'Webhook Gateway Admin API';

	icon = {
		light: 'file:../icons/webhookGateway.svg',
		dark: 'file:../icons/webhookGateway.dark.svg',
	} as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-webhook-gateway#admin-api-credential';

	properties: INodeProperties[] = [
		{
			displayName:
				'For the Webhook Endpoint node only: it manages endpoints through the gateway\'s admin API with this token\'s scopes and accounts. The Batch and Raw Triggers need the "Webhook Gateway" (Redis) credential, because they read the buffer in Redis.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://hooks.example.com',
			description: BASE_URL_DESCRIPTION,
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: TOKEN_DESCRIPTION,
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/endpoints',
			method: 'GET',
		},
	};
}
