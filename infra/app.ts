import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { CnnLensStack } from "./cnn-lens-stack.js";
import { DeploymentConfigError, deploymentConfigFrom } from "./deployment-config.js";

/** The cloud app: the config from cdk.json context, checked once; the stack; the cdk-nag AwsSolutions checks. */
const app = new App();
try {
  const config = deploymentConfigFrom(app.node.getAllContext() as Record<string, unknown>);
  new CnnLensStack(app, "CnnLens", { config });
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
