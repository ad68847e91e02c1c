// The entry of every pool thread: threads do not inherit the parent's TypeScript loader, so this registers tsx,
// then runs the TypeScript module that startThreadPool names as the thread's first argument.
import { register } from "tsx/esm/api";

register();
await import(process.argv[2]);
