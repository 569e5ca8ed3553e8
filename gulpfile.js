// Copies the files tsc does not emit into dist/: node icons (SVG/PNG) and the Lua scripts the
// Redis layer registers with defineCommand at run time.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

function copyLua() {
	return src('src/**/*.lua', { base: '.' }).pipe(dest('dist'));
}

exports.build = parallel(copyIcons, copyLua);
exports.default = exports.build;
