import type { ICredentialType, INodeProperties } from 'n8n-workflow';

const CLUSTER_NODES_DESCRIPTION =
	'Only for Redis Cluster: some of its nodes as host:port, separated by commas. User, password and TLS come from the fields above.';
const KEY_PREFIX_DESCRIPTION =
	'Prefix of every Redis key the gateway uses. Every n8n and gateway that should share endpoints must use the same Redis and prefix.';
const PUBLIC_URL_DESCRIPTION =
	'Address senders use to reach the gateway, without /hooks. An endpoint’s URL is this base, then /hooks/, then the endpoint ID. Empty: WEBHOOK_GATEWAY_PUBLIC_URL, else the address of the gateway inside n8n (WEBHOOK_GATEWAY_N8N_HOST and _PORT).';

/**
 * Where the gateway keeps its data (Redis), its key prefix and the public URL of the endpoints.
 * Whether n8n's process listens for webhooks is not here: it is the n8n admin's environment.
 * Tested by the nodes' `webhookGatewayApiTest` (connect, PING, count endpoints).
 */
export class WebhookGatewayApi implements ICredentialType {
	name = 'webhookGatewayApi';

	// A Redis connection, not an HTTP API (like n8n's own "Redis" credential): no "API" suffix.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'Webhook Gateway';

	icon = {
		light: 'file:../icons/webhookGateway.svg',
		dark: 'file:../icons/webhookGateway.dark.svg',
	} as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-webhook-gateway#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Connection Type',
			name: 'connectionType',
			type: 'options',
			default: 'fields',
			options: [
				{
					name: 'Host and Port',
					value: 'fields',
					description: 'Enter host, port, user, password and database one by one',
				},
				{ name: 'Redis URL', value: 'url', description: 'One redis:// or rediss:// URL' },
			],
			description: 'How to reach the Redis that holds endpoints, limits and buffered events',
		},
		// The URL carries the Redis password (redis://user:password@host), so it is masked.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Redis URL',
			name: 'redisUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'redis://user:password@redis.example.com:6379/0',
			displayOptions: { show: { connectionType: ['url'] } },
			description:
				'Use rediss:// for TLS. User, password and database number may be part of the URL.',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { connectionType: ['fields'] } },
			description: 'Host name or IP address of Redis',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 6379,
			displayOptions: { show: { connectionType: ['fields'] } },
			description: 'TCP port of Redis',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { connectionType: ['fields'] } },
			description: 'Redis ACL user; leave empty for the default user',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { connectionType: ['fields'] } },
			description: 'Leave empty when Redis has no password',
		},
		{
			displayName: 'Database Number',
			name: 'database',
			type: 'number',
			default: 0,
			displayOptions: { show: { connectionType: ['fields'] } },
			description: 'Redis logical database (not used with Redis Cluster)',
		},
		{
			displayName: 'TLS',
			name: 'tls',
			type: 'boolean',
			default: false,
			displayOptions: { show: { connectionType: ['fields'] } },
			description: 'Whether to connect with TLS',
		},
		{
			displayName: 'Cluster Seed Nodes',
			name: 'clusterNodes',
			type: 'string',
			default: '',
			placeholder: 'redis-1:6379,redis-2:6379,redis-3:6379',
			description: CLUSTER_NODES_DESCRIPTION,
		},
		{
			displayName: 'Key Prefix',
			name: 'keyPrefix',
			type: 'string',
			default: 'wgw:',
			description: KEY_PREFIX_DESCRIPTION,
		},
		{
			displayName: 'Public Base URL',
			name: 'publicUrl',
			type: 'string',
			default: '',
			placeholder: 'https://hooks.example.com',
			description: PUBLIC_URL_DESCRIPTION,
		},
		// Process settings are the n8n admin's (a credential any user creates must not open ports);
		// old credentials' serve/serveHost/servePort values are ignored with a warning (nodes/shared/credentials.ts).
		{
			displayName:
				'Whether this n8n also receives the webhooks on a port of its own is set by the n8n admin, not here: WEBHOOK_GATEWAY_N8N_SERVE=true, WEBHOOK_GATEWAY_N8N_HOST and WEBHOOK_GATEWAY_N8N_PORT in the environment of n8n. Otherwise a standalone gateway serves the endpoints.',
			name: 'serveNotice',
			type: 'notice',
			default: '',
		},
		// Fields of earlier versions, still declared (hidden) only because n8n passes a node nothing
		// but declared fields: their stored values are ignored and warned about instead.
		{ displayName: 'Serve (Ignored)', name: 'serve', type: 'hidden', default: '' },
		{ displayName: 'Listen Host (Ignored)', name: 'serveHost', type: 'hidden', default: '' },
		{ displayName: 'Listen Port (Ignored)', name: 'servePort', type: 'hidden', default: '' },
	];
}
