/**
 * The Endpoint parameter of the trigger nodes: a resource locator ("From List" searchable through
 * the registry, or "By ID") and its listSearch method. Each list entry shows the endpoint's name,
 * id and full URL (to copy into the sending app) and, for a provider preset, the provider's name;
 * its link opens the preset's guide, with the setup hint as the link's tooltip (docs/providers/).
 */
import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
	type INodeProperties,
	type NodeParameterValueType,
} from 'n8n-workflow';
import { presetInfo } from '../../src/auth/catalog';
import { silentLogger } from '../../src/logger';
import type { EndpointView } from '../../src/types';
import { CREDENTIAL_TYPE } from './credentials';
import { messageOf } from './errors';
import { openGatewaySession } from './gatewaySession';

const ENDPOINT_DESCRIPTION =
	'The registered endpoint whose events this node works with. Its URL is the public base URL of the credential, then /hooks/, then the endpoint ID.';
const ENDPOINT_LIST_HINT =
	'The list shows each endpoint’s full URL: paste it into the app that sends the webhooks. For a provider preset, hover an entry and point at its link icon to read where to paste it; the link opens the provider’s guide.';
const ENDPOINT_ID_ERROR_MESSAGE =
	'An endpoint ID has 3-64 characters from a-z, 0-9, - and _, starting with a letter or digit';
const LIST_ENDPOINTS_FAILED_DESCRIPTION =
	'Check the Webhook Gateway credential (its Test button says what is wrong), or enter the endpoint ID with "By ID".';

export const ENDPOINT_SEARCH_METHOD = 'searchEndpoints';

/** Same rule as the registry's ENDPOINT_ID_RE, as a string for the editor's validation. */
const ENDPOINT_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{2,63}$';

export const endpointProperty: INodeProperties = {
	displayName: 'Endpoint',
	name: 'endpoint',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: ENDPOINT_DESCRIPTION,
	hint: ENDPOINT_LIST_HINT,
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
						errorMessage: ENDPOINT_ID_ERROR_MESSAGE,
					},
				},
			],
		},
	],
};

/** The endpoint id from the parameter's value (`getNodeParameter('endpoint', …, { extractValue: true })`). */
export function endpointIdOf(value: NodeParameterValueType | object | undefined): string {
	if (value && typeof value === 'object' && 'value' in value)
		return String((value as { value: unknown }).value ?? '').trim();
	return String(value ?? '').trim();
}

/** Where the provider guides live (docs/providers/ of the repository), for links from the editor. */
export const PROVIDER_GUIDES_URL =
	'https://github.com/n8n-nodes-webhook-gateway/n8n-nodes-webhook-gateway/blob/main/docs/providers/';

/**
 * A list entry as n8n's editor renders it (1.123 and 2.41 alike): `name` is the only text of the
 * entry; `url` becomes a link icon on hover whose tooltip is `linkAlt` (read by the editor, not
 * declared in n8n-workflow's type).
 */
export type EndpointListItem = INodeListSearchItems & { linkAlt?: string };

/**
 * The list entry of one endpoint: name, id and URL (what to paste into the sender); for a provider
 * preset also the provider's name in the entry, its guide as the link and its setup hint as the
 * link's tooltip and the description. Other endpoints link to their own URL, as before.
 */
export function endpointListItem(
	e: Pick<EndpointView, 'id' | 'name' | 'enabled' | 'url' | 'auth'>,
): EndpointListItem {
	const label = `${e.name && e.name !== e.id ? `${e.name} (${e.id})` : e.id}${e.enabled ? '' : ' [disabled]'} — ${e.url}`;
	const preset = e.auth.type === 'hmac' ? presetInfo(e.auth.preset) : undefined;
	if (!preset) return { name: label, value: e.id, description: e.url, url: e.url };
	const setup = `${preset.name} setup: ${preset.setupHint}`;
	return {
		name: `${label} · ${preset.name}`,
		value: e.id,
		description: setup,
		url: PROVIDER_GUIDES_URL + preset.docs,
		linkAlt: setup,
	};
}

/** listSearch: endpoints whose id or name contains the filter, oldest first. */
export async function searchEndpoints(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const credential = await this.getCredentials(CREDENTIAL_TYPE);
	const session = await openGatewaySession(credential, silentLogger, { serve: false });
	try {
		const endpoints = await session.client.management.listEndpoints({
			search: filter?.trim() || undefined,
		});
		return {
			results: endpoints.map(endpointListItem),
		};
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`Could not list endpoints from Redis at ${session.redis}: ${messageOf(error)}`,
			{
				description: LIST_ENDPOINTS_FAILED_DESCRIPTION,
			},
		);
	} finally {
		await session.close();
	}
}
