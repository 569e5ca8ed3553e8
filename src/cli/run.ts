/** Entry for running the CLI from source (`node --import tsx src/cli/run.ts …`); the bin uses dist. */
import { main } from './main';

void main(process.argv);
