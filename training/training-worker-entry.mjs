// The entry of a training thread: threads do not inherit the parent's TypeScript loader, so register tsx here.
import { register } from "tsx/esm/api";

register();
await import("./training-worker.ts");
