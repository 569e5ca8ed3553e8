/**
 * The Endpoint parameter of the trigger nodes: a resource locator ("From List" searchable through
 * the registry, or "By ID") and its listSearch method. Each list entry shows the endpoint's name
 * and id, with its full URL as description and link, so the user can copy it into the sending app.
 */
import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchResult, type INodeProperties, type NodeParameterValueType } from 'n8n-workflow';
import { silentLogger } from '../../src/logger';
import { CREDENTIAL_TYPE } from './credentials';
import { messageOf } from './errors';
import { openGatewaySession } from './gatewaySession';

export const ENDPOINT_SEARCH_METHOD = 'searchEndpoints';

/** Same rule as the registry's ENDPOINT_ID_RE, as a string for the editor's validation. */
const ENDPOINT_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{2,63}$';

export const endpointProperty: INodeProperties = {
	displayName: 'Endpoint',
	name: 'endpoint',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The registered endpoint whose events this node works with. Its URL is the public base URL of the credential, then /hooks/, then the endpoint ID.',
	hint: 'The list shows each endpoint’s full URL: paste it into the app that sends the webhooks.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an endpoint...',
			typeOptions: { searchListMethod: ENDPOINT_SEARCH_METHOD, searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. github-orders',
			hint: 'The endpoint ID is the last part of its URL, after /hooks/',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: ENDPOINT_ID_PATTERN,
						errorMessage: 'An endpoint ID has 3-64 characters from a-z, 0-9, - and _, starting with a letter or digit',
					},
				},
			],
		},
	],
};

/** The endpoint id from the parameter's value (`getNodeParameter('endpoint', …, { extractValue: true })`). */
export function endpointIdOf(value: NodeParameterValueType | object | undefined): string {
	if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value ?? '').trim();
	return String(value ?? '').trim();
}

/** listSearch: endpoints whose id or name contains the filter, oldest first. */
export async function searchEndpoints(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credential = await this.getCredentials(CREDENTIAL_TYPE);
	const session = await openGatewaySession(credential, silentLogger, { serve: false });
	try {
		const endpoints = await session.client.management.listEndpoints({ search: filter?.trim() || undefined });
		return {
			results: endpoints.map((e) => ({
				// n8n 2.41 shows only the name of a list entry, so the URL to paste is part of it.
				name: `${e.name && e.name !== e.id ? `${e.name} (${e.id})` : e.id}${e.enabled ? '' : ' [disabled]'} — ${e.url}`,
				value: e.id,
				description: e.url,
				url: e.url,
			})),
		};
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `Could not list endpoints from Redis at ${session.redis}: ${messageOf(error)}`, {
			description: 'Check the Webhook Gateway credential (its Test button says what is wrong), or enter the endpoint ID with "By ID".',
		});
	} finally {
		await session.close();
	}
}
