/**
 * Choosing how senders authenticate (the endpoint's `auth`), shared by create and edit: one list
 * of the schemes and presets, and the few fields a choice needs. The presets come from the
 * gateway's catalog (src/auth/catalog.ts: pure data, bundled as is), with each one's setup hint.
 */
import { PRESETS, presetInfo } from '../../../../src/auth/catalog';
import type { EndpointAuth } from '../types';

type Preset = Extract<EndpointAuth, { type: 'hmac' }>['preset'];
export type AuthChoice = 'none' | 'header' | 'basic' | Preset;

export interface AuthState {
	choice: AuthChoice;
	headerName: string;
	prefix: string;
	username: string;
	/** generic HMAC */
	signatureHeader: string;
	algorithm: 'sha1' | 'sha256' | 'sha512';
	encoding: 'hex' | 'base64';
	signaturePrefix: string;
}

const SCHEME_LABELS = {
	hmac: 'HMAC signature',
	token: 'token',
	basic: 'basic auth',
	ed25519: 'Ed25519 public key',
	ecdsa: 'ECDSA public key',
};

/** The schemes, then every provider preset of the catalog (generic last). */
const CHOICES: { value: AuthChoice; label: string }[] = [
	{ value: 'none', label: 'None (anyone with the URL)' },
	{ value: 'header', label: 'Header token' },
	{ value: 'basic', label: 'Basic auth' },
	...PRESETS.filter((p) => p.id !== 'generic').map((p) => ({
		value: p.id,
		label: `${p.name} (${SCHEME_LABELS[p.scheme]})`,
	})),
	{ value: 'generic', label: 'Generic HMAC signature' },
];

export function authState(auth?: EndpointAuth): AuthState {
	// A new endpoint starts with a generated header token: 'none' only when the user picks it.
	const state: AuthState = {
		choice: auth ? 'none' : 'header',
		headerName: 'authorization',
		prefix: 'Bearer ',
		username: 'webhook',
		signatureHeader: 'x-signature',
		algorithm: 'sha256',
		encoding: 'hex',
		signaturePrefix: '',
	};
	if (!auth) return state;
	switch (auth.type) {
		case 'none':
			return state;
		case 'header':
			return { ...state, choice: 'header', headerName: auth.headerName, prefix: auth.prefix };
		case 'basic':
			return { ...state, choice: 'basic', username: auth.username };
		case 'hmac':
			return {
				...state,
				choice: auth.preset,
				signatureHeader: auth.header ?? state.signatureHeader,
				algorithm: auth.algorithm ?? state.algorithm,
				encoding: auth.encoding ?? state.encoding,
				signaturePrefix: auth.prefix ?? '',
			};
	}
}

/** The `auth` object for the admin API. */
export function authInput(state: AuthState): Record<string, unknown> {
	switch (state.choice) {
		case 'none':
			return { type: 'none' };
		case 'header':
			return { type: 'header', headerName: state.headerName, prefix: state.prefix };
		case 'basic':
			return { type: 'basic', username: state.username };
		case 'generic':
			return {
				type: 'hmac',
				preset: 'generic',
				header: state.signatureHeader,
				algorithm: state.algorithm,
				encoding: state.encoding,
				prefix: state.signaturePrefix,
			};
		default:
			return { type: 'hmac', preset: state.choice };
	}
}

/** One line for lists: "GitHub (HMAC signature)", "Header token (x-api-key)". */
export function authSummary(auth: EndpointAuth): string {
	const choice = authState(auth).choice;
	const label = CHOICES.find((c) => c.value === choice)?.label ?? choice;
	if (auth.type === 'header') return `${label} (${auth.headerName})`;
	if (auth.type === 'basic') return `${label} (user ${auth.username})`;
	return label;
}

function Text({
	id,
	label,
	value,
	onChange,
}: {
	id: string;
	label: string;
	value: string;
	onChange(v: string): void;
}) {
	return (
		<p class="field">
			<label for={id}>{label}</label>
			<input id={id} value={value} onInput={(e) => onChange(e.currentTarget.value)} />
		</p>
	);
}

/** The chosen preset's setup hint: where to paste the URL, which secret, the handshake, the guide. */
function PresetHint({ choice }: { choice: AuthChoice }) {
	const preset = presetInfo(choice);
	if (!preset || preset.id === 'generic') return null;
	return (
		<p class="hint preset-hint">
			{preset.setupHint} Secret: {preset.secretHint}
			{preset.secretSource === 'provider'
				? ' (paste it as the secret after creating the endpoint, or rotate to it).'
				: '.'}
			{preset.handshake ? ` Handshake answered by the gateway: ${preset.handshake}.` : ''} Guide:
			docs/providers/{preset.docs}
		</p>
	);
}

/** `idPrefix` keeps the ids unique when two forms are on one page. */
export function AuthFields({
	idPrefix,
	legend,
	value,
	onChange,
}: {
	idPrefix: string;
	legend: string;
	value: AuthState;
	onChange(next: AuthState): void;
}) {
	const set = (patch: Partial<AuthState>) => onChange({ ...value, ...patch });
	const id = (name: string) => `${idPrefix}-${name}`;
	return (
		<fieldset>
			<legend>{legend}</legend>
			<p class="field">
				<label for={id('auth')}>How senders authenticate</label>
				<select
					id={id('auth')}
					value={value.choice}
					onChange={(e) => set({ choice: e.currentTarget.value as AuthChoice })}
				>
					{CHOICES.map((c) => (
						<option key={c.value} value={c.value}>
							{c.label}
						</option>
					))}
				</select>
			</p>
			{value.choice === 'header' && (
				<>
					<Text
						id={id('header-name')}
						label="Header name"
						value={value.headerName}
						onChange={(v) => set({ headerName: v })}
					/>
					<Text
						id={id('prefix')}
						label="Text before the token"
						value={value.prefix}
						onChange={(v) => set({ prefix: v })}
					/>
				</>
			)}
			<PresetHint choice={value.choice} />
			{value.choice === 'basic' && (
				<Text
					id={id('username')}
					label="User name"
					value={value.username}
					onChange={(v) => set({ username: v })}
				/>
			)}
			{value.choice === 'generic' && (
				<>
					<Text
						id={id('sig-header')}
						label="Signature header"
						value={value.signatureHeader}
						onChange={(v) => set({ signatureHeader: v })}
					/>
					<p class="field">
						<label for={id('algorithm')}>Algorithm</label>
						<select
							id={id('algorithm')}
							value={value.algorithm}
							onChange={(e) => set({ algorithm: e.currentTarget.value as AuthState['algorithm'] })}
						>
							<option value="sha1">SHA-1</option>
							<option value="sha256">SHA-256</option>
							<option value="sha512">SHA-512</option>
						</select>
					</p>
					<p class="field">
						<label for={id('encoding')}>Encoding</label>
						<select
							id={id('encoding')}
							value={value.encoding}
							onChange={(e) => set({ encoding: e.currentTarget.value as AuthState['encoding'] })}
						>
							<option value="hex">hex</option>
							<option value="base64">base64</option>
						</select>
					</p>
					<Text
						id={id('sig-prefix')}
						label="Text before the signature"
						value={value.signaturePrefix}
						onChange={(v) => set({ signaturePrefix: v })}
					/>
				</>
			)}
		</fieldset>
	);
}
