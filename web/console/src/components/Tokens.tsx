/**
 * Scoped admin tokens (docs/admin-api.md#scoped-tokens): the list, a form that creates one (the
 * token is shown once, with a copy button) and revoking with a confirmation. Only sessions with
 * admin rights may list tokens; for others the API answers 403 and the page says so.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { useLoaded } from '../hooks';
import type { ScopedToken, TokenScope } from '../types';
import { CopyButton } from './CopyButton';

const SCOPES: { scope: TokenScope; hint: string }[] = [
	{ scope: 'read', hint: 'GET requests: endpoints, usage, events, plans, accounts' },
	{
		scope: 'manage',
		hint: 'read, plus changes to endpoints, subscribers, events and dead letters',
	},
	{ scope: 'admin', hint: 'everything, including plans, accounts, tokens and the audit log' },
	{ scope: 'metrics', hint: 'GET /metrics only' },
];

function NewToken({ token, name, onDismiss }: { token: string; name: string; onDismiss(): void }) {
	return (
		<section class="secret-once" aria-label="New token">
			<h3>Token {name} created</h3>
			<p>
				Copy it now: it cannot be shown again (the gateway keeps only a keyed hash). If it is lost,
				revoke it and create another.
			</p>
			<p class="secret-line">
				<code aria-label="Token value">{token}</code> <CopyButton text={token} label="Copy token" />
			</p>
			<button type="button" onClick={onDismiss}>
				I have copied it
			</button>
		</section>
	);
}

function CreateToken({ onCreated }: { onCreated(token: string, info: ScopedToken): void }) {
	const [name, setName] = useState('');
	const [scopes, setScopes] = useState<TokenScope[]>(['read']);
	const [accounts, setAccounts] = useState('');
	const [error, setError] = useState<string>();
	const [busy, setBusy] = useState(false);

	const toggle = (scope: TokenScope, on: boolean) =>
		setScopes((now) => (on ? [...now, scope] : now.filter((s) => s !== scope)));
	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(undefined);
		try {
			const accountIds = accounts
				.split(/[\s,]+/)
				.map((a) => a.trim())
				.filter(Boolean);
			const created = await api.createToken({
				name: name.trim(),
				scopes,
				...(accountIds.length > 0 ? { accountIds } : {}),
			});
			setName('');
			setAccounts('');
			onCreated(created.token, created.tokenInfo);
		} catch (caught) {
			setError(errorText(caught));
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="form" aria-label="Create a token" onSubmit={(e) => void submit(e)}>
			<h2>Create a token</h2>
			<p class="field">
				<label for="token-name">Token name</label>
				<input
					id="token-name"
					required
					maxLength={100}
					value={name}
					onInput={(e) => setName(e.currentTarget.value)}
					aria-describedby="token-name-hint"
				/>
				<span id="token-name-hint" class="hint">
					Who uses it, e.g. &quot;n8n team acme&quot;: the audit log names changes made with it so.
				</span>
			</p>
			<fieldset class="field">
				<legend>Scopes</legend>
				{SCOPES.map(({ scope, hint }) => (
					<label key={scope} class="check">
						<input
							type="checkbox"
							checked={scopes.includes(scope)}
							onChange={(e) => toggle(scope, e.currentTarget.checked)}
						/>{' '}
						{scope} <span class="muted">({hint})</span>
					</label>
				))}
			</fieldset>
			<p class="field">
				<label for="token-accounts">Accounts (optional)</label>
				<input
					id="token-accounts"
					value={accounts}
					onInput={(e) => setAccounts(e.currentTarget.value)}
					aria-describedby="token-accounts-hint"
				/>
				<span id="token-accounts-hint" class="hint">
					Account ids separated by commas: the token sees only their endpoints. Empty: every
					account.
				</span>
			</p>
			<p class="actions">
				<button type="submit" class="primary" disabled={busy || scopes.length === 0}>
					Create token
				</button>
			</p>
			{error && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
		</form>
	);
}

export function Tokens() {
	const { data: tokens, error, reload } = useLoaded(api.tokens, 'tokens');
	const [created, setCreated] = useState<{ token: string; name: string }>();
	const [confirming, setConfirming] = useState<string>();
	const [message, setMessage] = useState<string>();
	const [actionError, setActionError] = useState<string>();
	const forbidden = error !== undefined && /lacks the scope|403/.test(error);

	const revoke = async (token: ScopedToken) => {
		setActionError(undefined);
		try {
			await api.revokeToken(token.id);
			setConfirming(undefined);
			setMessage(`Token ${token.name} revoked: requests with it now get 401.`);
			await reload();
		} catch (caught) {
			setActionError(caught instanceof ApiError ? caught.message : errorText(caught));
		}
	};

	return (
		<main>
			<div class="toolbar">
				<h1>Tokens</h1>
				<button type="button" onClick={() => void reload()}>
					Refresh
				</button>
			</div>
			<p>
				Scoped tokens open the admin API (<code>Authorization: Bearer &lt;token&gt;</code>) with
				only the rights they name, for example for a second n8n team or a monitoring system. The
				admin token and this console are not limited by them.
			</p>
			{forbidden && (
				<p role="alert">Managing tokens needs admin rights, which this session does not have.</p>
			)}
			{error && !forbidden && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
			{created && (
				<NewToken
					token={created.token}
					name={created.name}
					onDismiss={() => setCreated(undefined)}
				/>
			)}
			{message && <p role="status">{message}</p>}
			{actionError && (
				<p role="alert" class="error">
					{actionError}
				</p>
			)}
			{tokens && tokens.length === 0 && <p>No tokens yet.</p>}
			{tokens && tokens.length > 0 && (
				<div class="table-wrap">
					<table>
						<caption>
							Scoped tokens, oldest first (the tokens themselves are never shown again)
						</caption>
						<thead>
							<tr>
								<th scope="col">Name</th>
								<th scope="col">Scopes</th>
								<th scope="col">Accounts</th>
								<th scope="col">Created</th>
								<th scope="col">
									<span class="visually-hidden">Actions</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{tokens.map((token) => (
								<tr key={token.id} data-token={token.id}>
									<th scope="row">
										{token.name}
										<div class="muted">{token.id}</div>
									</th>
									<td>{token.scopes.join(', ')}</td>
									<td>
										{token.accountIds === null ? 'all accounts' : token.accountIds.join(', ')}
									</td>
									<td>
										{new Date(token.createdAt).toLocaleString()}
										<div class="muted">by {token.createdBy}</div>
									</td>
									<td>
										{confirming === token.id ? (
											<div
												role="group"
												aria-label={`Confirm revoking ${token.name}`}
												class="confirm"
											>
												<p>
													Revoke {token.name}? Whoever uses it gets 401 from now on. This cannot be
													undone.
												</p>
												<button type="button" class="danger" onClick={() => void revoke(token)}>
													Revoke permanently
												</button>{' '}
												<button type="button" onClick={() => setConfirming(undefined)}>
													Keep it
												</button>
											</div>
										) : (
											<button
												type="button"
												class="danger"
												aria-label={`Revoke ${token.name}`}
												onClick={() => setConfirming(token.id)}
											>
												Revoke
											</button>
										)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			{!forbidden && (
				<CreateToken
					onCreated={(token, info) => {
						setMessage(undefined);
						setCreated({ token, name: info.name });
						void reload();
					}}
				/>
			)}
		</main>
	);
}
