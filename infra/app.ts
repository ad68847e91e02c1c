import { App } from "aws-cdk-lib";
import { CnnLensStack } from "./cnn-lens-stack.js";

const app = new App();
new CnnLensStack(app, "CnnLens");
app.synth();
