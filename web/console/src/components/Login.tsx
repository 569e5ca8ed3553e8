/**
 * Sign-in: the admin token is sent once to /console/session, which answers with an http-only
 * session cookie. The token is not kept anywhere in the page.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';

export function Login({ notice, onSignedIn }: { notice?: string; onSignedIn(): void }) {
	const [token, setToken] = useState('');
	const [error, setError] = useState<string>();
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(undefined);
		try {
			await api.signIn(token);
			setToken('');
			// The browser drops a Secure cookie on plain HTTP (except on localhost): check it was kept.
			if (!(await api.session()).signedIn) {
				setError(
					'Signed in, but the browser did not keep the session cookie. It is a Secure cookie: open the console over HTTPS (or on localhost).',
				);
				return;
			}
			onSignedIn();
		} catch (caught) {
			setError(
				caught instanceof ApiError && caught.status === 401
					? 'Wrong admin token.'
					: errorText(caught),
			);
		} finally {
			setBusy(false);
		}
	};

	return (
		<main class="login">
			<h1>Webhook Gateway console</h1>
			{notice && <p role="status">{notice}</p>}
			<form onSubmit={(e) => void submit(e)}>
				<label for="admin-token">Admin token</label>
				<input
					id="admin-token"
					type="password"
					autocomplete="current-password"
					required
					value={token}
					onInput={(e) => setToken(e.currentTarget.value)}
				/>
				<p class="hint">
					The value of WEBHOOK_GATEWAY_ADMIN_TOKEN. You stay signed in for 8 hours on this browser.
				</p>
				<button type="submit" disabled={busy || token === ''}>
					Sign in
				</button>
				{error && (
					<p role="alert" class="error">
						{error}
					</p>
				)}
			</form>
		</main>
	);
}
