/** A button that copies a text (an endpoint URL, a new secret) to the clipboard. */
import { useState } from 'preact/hooks';

export function CopyButton({ text, label }: { text: string; label: string }) {
	const [copied, setCopied] = useState<'yes' | 'failed'>();
	const copy = async () => {
		try {
			await navigator.clipboard.writeText(text);
			setCopied('yes');
		} catch {
			// No clipboard access (an insecure origin or a denied permission): the text is shown, select it by hand.
			setCopied('failed');
		}
		setTimeout(() => setCopied(undefined), 2000);
	};
	return (
		<button type="button" class="small" aria-label={label} onClick={() => void copy()}>
			{copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
		</button>
	);
}
