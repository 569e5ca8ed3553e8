// Formatting is a check, not a debate: n8n-nodes-starter's settings (tabs, width 100, single
// quotes). `npm run format` applies them; `npm run lint` fails on any file that differs.
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
};
