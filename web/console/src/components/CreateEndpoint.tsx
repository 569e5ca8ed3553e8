/** A new endpoint: name, optional id, account, methods and authentication; the secret is shown once. */
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import type { EndpointWithSecret } from '../types';
import { AuthFields, authInput, authState } from './AuthFields';
import { CopyButton } from './CopyButton';
import { SecretOnce } from './SecretOnce';

export function CreateEndpoint() {
	const [name, setName] = useState('');
	const [id, setId] = useState('');
	const [accountId, setAccountId] = useState('default');
	const [description, setDescription] = useState('');
	const [auth, setAuth] = useState(authState({ type: 'hmac', preset: 'github' }));
	const [error, setError] = useState<string>();
	const [busy, setBusy] = useState(false);
	const [created, setCreated] = useState<EndpointWithSecret>();

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(undefined);
		try {
			const input: Record<string, unknown> = { name, accountId, auth: authInput(auth) };
			if (id.trim() !== '') input.id = id.trim();
			if (description.trim() !== '') input.description = description.trim();
			setCreated(await api.createEndpoint(input));
		} catch (caught) {
			setError(errorText(caught));
		} finally {
			setBusy(false);
		}
	};

	if (created) {
		const { endpoint, secret } = created;
		const detail = `#/endpoints/${encodeURIComponent(endpoint.id)}`;
		return (
			<main>
				<h1>Endpoint {endpoint.name} created</h1>
				<p>
					URL for the sender: <code>{endpoint.url}</code>{' '}
					<CopyButton text={endpoint.url} label="Copy URL" />
				</p>
				{secret ? (
					<SecretOnce
						secret={secret}
						title="Secret of the new endpoint"
						onDismiss={() => (location.hash = detail)}
					/>
				) : (
					<p>This endpoint uses no authentication: anyone who knows the URL can send to it.</p>
				)}
				<p>
					<a href={detail}>Open endpoint {endpoint.id}</a>
				</p>
			</main>
		);
	}

	return (
		<main>
			<h1>New endpoint</h1>
			<form class="form" onSubmit={(e) => void submit(e)}>
				<p class="field">
					<label for="new-name">Name</label>
					<input
						id="new-name"
						required
						maxLength={200}
						value={name}
						onInput={(e) => setName(e.currentTarget.value)}
					/>
				</p>
				<p class="field">
					<label for="new-id">Endpoint id (optional)</label>
					<input
						id="new-id"
						value={id}
						onInput={(e) => setId(e.currentTarget.value)}
						aria-describedby="new-id-hint"
					/>
					<span id="new-id-hint" class="hint">
						3 to 64 lower-case letters, digits, - and _; empty for a random id. It is part of the
						URL.
					</span>
				</p>
				<p class="field">
					<label for="new-account">Account</label>
					<input
						id="new-account"
						required
						value={accountId}
						onInput={(e) => setAccountId(e.currentTarget.value)}
						aria-describedby="new-account-hint"
					/>
					<span id="new-account-hint" class="hint">
						Limits apply to the account across its endpoints; a new account gets the default plan
						(change it on the endpoint page).
					</span>
				</p>
				<p class="field">
					<label for="new-description">Description (optional)</label>
					<input
						id="new-description"
						value={description}
						onInput={(e) => setDescription(e.currentTarget.value)}
					/>
				</p>
				<AuthFields idPrefix="new" legend="Authentication" value={auth} onChange={setAuth} />
				<p class="actions">
					<button type="submit" class="primary" disabled={busy}>
						Create endpoint
					</button>
					<a href="#/">Cancel</a>
				</p>
				{error && (
					<p role="alert" class="error">
						{error}
					</p>
				)}
			</form>
		</main>
	);
}
