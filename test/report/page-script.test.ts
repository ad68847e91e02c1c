import { build, type BuildOptions } from "esbuild";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { LOCAL_LINKS } from "../../shared/report/artifact-links.js";
import { PAGE_SCRIPT } from "../../shared/report/page-script.js";
import { reportDataScript, reportShardData } from "../../shared/report/report-data.js";
import { reportPage } from "../../shared/report/report-page.js";
import { totalsOf } from "../../shared/schema/index-totals.js";
import { reportDataFile } from "../../shared/storage/s3-layout.js";
import { syntheticRecord } from "../fixtures/records.js";
import { embeddedSummary } from "./report-files.js";

const PAGE_SCRIPT_MODULE = fileURLToPath(new URL("../../shared/report/page-script.ts", import.meta.url));

/**
 * PAGE_SCRIPT as it is when esbuild compiles page-script.ts with `options`. The bundle is CommonJS only so that
 * the test can run it without writing a file; the format does not change a function's body.
 */
async function pageScriptCompiledWith(options: BuildOptions): Promise<string> {
  const { outputFiles } = await build({
    ...options,
    entryPoints: [PAGE_SCRIPT_MODULE],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
  });
  const module = { exports: {} as { PAGE_SCRIPT: string } };
  vm.compileFunction(outputFiles[0].text, ["module", "exports", "require"])(
    module,
    module.exports,
    createRequire(import.meta.url),
  );
  return module.exports.PAGE_SCRIPT;
}

/** A stand-in for a DOM element: what the page script sets on it, and its children. */
class FakeElement {
  textContent = "";
  hidden = false;
  src = "";
  onload: (() => void) | null = null;
  children: unknown[] = [];
  readonly attributes = new Map<string, string>();
  constructor(readonly tagName: string) {}
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  addEventListener(): void {}
  append(...children: unknown[]): void {
    this.children.push(...children);
  }
  replaceChildren(...children: unknown[]): void {
    this.children = children;
  }
  focus(): void {}
  scrollIntoView(): void {}
}

/**
 * Runs `script` in a context with just enough of a browser for it: a report of one image, whose detail view the
 * URL fragment opens, and its one data file, run when the script adds it to the page. The context has no
 * `__name`, no module and no import: a script that needs anything from outside itself throws, or draws nothing.
 * Returns the page's elements by id.
 */
function runInFakeBrowser(script: string): Map<string, FakeElement> {
  const record = syntheticRecord(0);
  const page = reportPage({
    totals: totalsOf([record]),
    revision: 1,
    shardCount: 1,
    generatedAt: new Date(),
  });
  const data = reportShardData({ shard: 0, revision: 1, records: [record], links: LOCAL_LINKS });
  const dataFiles = new Map([[reportDataFile(0), reportDataScript(data)]]);
  const elements = new Map<string, FakeElement>();
  const byId = (id: string) => {
    if (!elements.has(id)) elements.set(id, new FakeElement("div"));
    return elements.get(id);
  };
  const embedded = new FakeElement("script");
  embedded.textContent = JSON.stringify(embeddedSummary(page));
  elements.set("report-data", embedded);
  const detail = new FakeElement("div");
  detail.hidden = true;
  elements.set("detail", detail);
  const head = new FakeElement("head");
  const context = vm.createContext({
    Node: FakeElement,
    document: {
      title: "report",
      head,
      getElementById: byId,
      createElement: (tag: string) => new FakeElement(tag),
      createTextNode: (text: string) => text,
      querySelectorAll: () => [],
      addEventListener: () => {},
    },
    location: {
      hash: "#image=" + encodeURIComponent(data.images[0].k),
      pathname: "/report.html",
      search: "",
    },
    history: { pushState: () => {} },
    addEventListener: () => {},
  });
  context.window = context;
  // As a browser does, the data file's script runs after the page script has returned, then fires its load event.
  head.append = (element) => {
    setTimeout(() => {
      vm.runInContext(dataFiles.get((element as FakeElement).src) ?? "", context);
      (element as FakeElement).onload?.();
    });
  };
  vm.runInContext(script, context);
  return elements;
}

/** Waits for the report to be drawn: the one image's card in the gallery, and its detail view open. */
async function expectReportDrawn(elements: Map<string, FakeElement>): Promise<void> {
  await expect.poll(() => elements.get("count")?.textContent).toBe("1 of 1 images");
  await expect.poll(() => elements.get("gallery")?.children.length).toBe(1);
  await expect.poll(() => elements.get("detail")?.hidden).toBe(false);
  const panel = elements.get("detail")?.children[0] as FakeElement;
  expect(panel.attributes.get("aria-label")).toBe(syntheticRecord(0).key.slice("uploads/".length));
}

describe("PAGE_SCRIPT", () => {
  it("runs on its own as this process (vitest) compiled it", async () => {
    await expectReportDrawn(runInFakeBrowser(PAGE_SCRIPT));
  });

  it("runs on its own as tsx compiles it for the CLI, inner functions named by esbuild's __name", async () => {
    // What tsx asks of esbuild (node_modules/tsx/dist: keepNames, minifyWhitespace, target the running Node).
    const script = await pageScriptCompiledWith({
      keepNames: true,
      minifyWhitespace: true,
      target: `node${process.versions.node}`,
    });
    expect(script).toContain("__name(");
    await expectReportDrawn(runInFakeBrowser(script));
  });

  it("runs on its own as the indexer's bundle, minified, has it", async () => {
    // The Lambda's bundling in infra/node-function.ts: minify, and no keepNames.
    const script = await pageScriptCompiledWith({ minify: true });
    expect(script).not.toContain("renderGallery");
    await expectReportDrawn(runInFakeBrowser(script));
  });
});
