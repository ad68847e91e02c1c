// The DOM's types, for this browser code. A lib reference holds for the whole program, so the Node code sees them
// too; the price of one tsconfig and one `tsc --noEmit -p .` that checks it all.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { ReportImage, ReportLayout, ReportShardData } from "../report-data.js";
import type { ReportSummary } from "../report-page.js";

/** What the page's script is told by the code that builds the page: constants the two share. */
export interface ReportPageOptions {
  /** Cards per page of the gallery while a filter or a sort is on. */
  readonly pageSize: number;
  /** Data files loaded ahead while the page searches them for a filter, and for a sort (which needs them all). */
  readonly loadAhead: { readonly filter: number; readonly sort: number };
  /** The global function each data file calls with its data (REPORT_DATA_CALLBACK). */
  readonly dataCallback: string;
}

/** An image as the page holds it, with `n`, the gallery page (data file) it came from. */
type PageImage = ReportImage & { n: number };
interface PageData extends ReportShardData {
  readonly images: readonly PageImage[];
}
type Attribute = string | number | boolean | null | undefined | ((event: Event) => void);
type Child = Node | string | number | null | undefined | false | readonly Child[];

/**
 * The report's script, run in the browser. It reads the summary embedded as JSON and draws the gallery, the
 * filters and the detail view from the data files, one per shard, each loaded by a `<script src>` (which works
 * from file:// too, where fetch() does not) when first needed: unfiltered, gallery page n is data file n; with a
 * filter or a sort it searches the data files in order, as far as the page shown needs (a sort needs them all).
 *
 * The page inlines this function's source (see PAGE_SCRIPT), so it must be self-contained: every helper is nested
 * inside it, and it uses nothing from this module or any other at run time (imports are types only). Plain ES2020
 * and the DOM only, so the page works offline in any current browser; the browser test runs it.
 */
export function runReportPage(options: ReportPageOptions): void {
  const embedded = document.getElementById("report-data") as HTMLElement;
  const summary = JSON.parse(embedded.textContent as string) as ReportSummary;
  const state = {
    predicted: "",
    actual: "",
    status: "",
    misclassified: false,
    search: "",
    sort: "key",
    page: 0,
  };
  /** The images on the gallery page shown, in order: the detail view steps through them. */
  let shown: readonly PageImage[] = [];
  let galleryRun = 0;
  let detailRun = 0;

  // Data files: each calls the data callback with its data when its script runs.
  const files = new Map<number, Promise<PageData | null>>();
  const waiting = new Map<number, (data: ReportShardData | null) => void>();
  const loaded: (PageData | null)[] = [];
  (window as unknown as Record<string, (data: ReportShardData) => void>)[options.dataCallback] = (data) => {
    const resolve = waiting.get(data.shard);
    waiting.delete(data.shard);
    if (resolve) resolve(data);
  };
  function fileName(n: number): string {
    return (
      summary.dataFile.before + String(n).padStart(summary.dataFile.digits, "0") + summary.dataFile.after
    );
  }
  /** Data file n (null when it is missing), loaded once. */
  function load(n: number): Promise<PageData | null> {
    if (!files.has(n)) {
      const loading = new Promise<ReportShardData | null>((resolve) => {
        waiting.set(n, resolve);
        const script = document.createElement("script");
        const missing = () => {
          if (waiting.get(n) !== resolve) return;
          waiting.delete(n);
          resolve(null);
        };
        script.onerror = missing;
        script.onload = missing;
        script.src = fileName(n);
        document.head.append(script);
      }).then((arrived) => {
        // Each image learns its page, by which its labels, layout and detail link are found.
        const data = arrived as PageData | null;
        if (data) for (const image of data.images) image.n = n;
        loaded[n] = data;
        return data;
      });
      files.set(n, loading);
    }
    return files.get(n) as Promise<PageData | null>;
  }

  function h(
    tag: string,
    attributes: Readonly<Record<string, Attribute>> | null,
    ...children: Child[]
  ): HTMLElement {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) element.addEventListener(name.slice(2), value as EventListener);
      else element.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of (children as unknown[]).flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return element;
  }
  const $ = (id: string) => document.getElementById(id) as HTMLElement;
  // An image's data file is loaded: the image came from it.
  const labelsOf = (image: PageImage) => (loaded[image.n] as PageData).labels;
  const layoutOf = (image: PageImage): ReportLayout | null =>
    image.l === null ? null : (loaded[image.n] as PageData).layouts[image.l];
  const names = (image: PageImage, indices: readonly number[] | null) =>
    (indices || []).map((i) => labelsOf(image)[i]);
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? "–" : Number((value * 100).toPrecision(3)) + "%";
  const seconds = (ms: number | null) => (ms === null ? "–" : (ms / 1000).toFixed(1) + " s");
  function link(image: PageImage, path: string): string {
    return image.u ? image.u[path] || "" : image.b + path.split("/").map(encodeURIComponent).join("/");
  }

  const filtering = () =>
    state.predicted !== "" ||
    state.actual !== "" ||
    state.status !== "" ||
    state.misclassified ||
    state.search !== "";
  function matches(image: PageImage): boolean {
    const labels = labelsOf(image);
    if (state.predicted !== "" && !image.p.some((i) => labels[i] === state.predicted)) return false;
    if (state.actual !== "" && !(image.a || []).some((i) => labels[i] === state.actual)) return false;
    if (state.status !== "" && image.s !== Number(state.status)) return false;
    if (state.misclassified && image.m !== 1) return false;
    if (state.search !== "" && !image.k.toLowerCase().includes(state.search)) return false;
    return true;
  }
  type Order = (a: PageImage, b: PageImage) => number;
  const SORTS: Readonly<Record<string, Order | null>> = {
    key: null,
    "least-confident": (a, b) => (a.sc.length ? a.sc[0][1] : 2) - (b.sc.length ? b.sc[0][1] : 2),
    "completeness-error": (a, b) => (b.e === null ? -1 : b.e) - (a.e === null ? -1 : a.e),
    "processing-time": (a, b) => (b.t === null ? -1 : b.t) - (a.t === null ? -1 : a.t),
  };
  const byKey: Order = (a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

  /** Draws the gallery page that the state asks for, loading what it needs; a newer call supersedes it. */
  async function renderGallery(): Promise<void> {
    const run = ++galleryRun;
    const sort = SORTS[state.sort];
    if (!filtering() && !sort) {
      const pages = Math.max(1, summary.pages);
      state.page = Math.min(state.page, pages - 1);
      showPager(state.page, pages, true);
      $("count").textContent = summary.images + " of " + summary.images + " images";
      const data = summary.pages > 0 ? await load(state.page) : null;
      if (run !== galleryRun) return;
      shown = data ? data.images : [];
      showCards(
        data || summary.pages === 0
          ? null
          : "The data of page " +
              (state.page + 1) +
              " (" +
              fileName(state.page) +
              ") is not there yet; the report's next refresh writes it.",
      );
      return;
    }
    const enough = sort ? Infinity : (state.page + 1) * options.pageSize + 1;
    const found: PageImage[] = [];
    let searched = 0;
    while (searched < summary.pages && found.length < enough) {
      const ahead = Math.min(
        summary.pages,
        searched + 1 + (sort ? options.loadAhead.sort : options.loadAhead.filter),
      );
      for (let n = searched + 1; n < ahead; n++) load(n);
      const data = await load(searched);
      if (run !== galleryRun) return;
      searched++;
      if (data) for (const image of data.images) if (matches(image)) found.push(image);
      if (searched % 16 === 0) $("count").textContent = searchedCount(found.length, searched);
    }
    const complete = searched === summary.pages;
    if (sort) found.sort((a, b) => sort(a, b) || byKey(a, b));
    const pages = Math.max(1, Math.ceil(found.length / options.pageSize));
    state.page = Math.min(state.page, pages - 1);
    $("count").textContent = complete
      ? found.length + " of " + summary.images + " images"
      : searchedCount(found.length, searched);
    showPager(state.page, pages, complete);
    shown = found.slice(state.page * options.pageSize, (state.page + 1) * options.pageSize);
    showCards(null);
  }

  function searchedCount(found: number, searched: number): string {
    return (
      found + "+ of " + summary.images + " images (searched " + searched + " of " + summary.pages + " pages)"
    );
  }

  function showPager(page: number, pages: number, complete: boolean): void {
    for (const id of ["page-top", "page-bottom"]) {
      $(id).textContent = "page " + (page + 1) + " of " + (complete ? pages : "at least " + pages);
    }
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-page=previous]")) {
      button.disabled = page === 0;
    }
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-page=next]")) {
      button.disabled = page >= pages - 1;
    }
  }

  function showCards(note: string | null): void {
    $("gallery").replaceChildren(...(note ? [h("p", { class: "note" }, note)] : shown.map(card)));
  }

  function card(image: PageImage): HTMLElement {
    const layout = layoutOf(image);
    const classes = ["card", image.m === 1 ? "misclassified" : "", image.s === 0 ? "failed" : ""]
      .join(" ")
      .trim();
    const top = image.sc[0];
    const actual = image.a ? names(image, image.a).join(", ") || "none" : "unknown";
    return h(
      "button",
      { class: classes, type: "button", "data-key": image.k, onclick: () => openDetail(image) },
      layout
        ? h("img", { src: link(image, layout.thumbnail), alt: image.k, loading: "lazy", decoding: "async" })
        : h("div", { class: "no-image" }, "failed"),
      h("div", { class: "name", title: image.k }, image.k),
      h("div", { class: "labels" }, "actual ", h("b", {}, actual)),
      image.s === 1
        ? h(
            "div",
            { class: "labels" },
            "predicted ",
            h("b", {}, names(image, image.p).join(", ")),
            top ? " · top " + labelsOf(image)[top[0]] + " " + top[1].toFixed(2) : "",
          )
        : h("div", { class: "labels" }, h("span", { class: "badge" }, "failed")),
      image.m === 1 ? h("span", { class: "badge" }, "misclassified") : null,
    );
  }

  function figure(image: PageImage, path: string, caption: string): HTMLElement {
    return h("figure", {}, h("img", { src: link(image, path), alt: caption }), h("figcaption", {}, caption));
  }

  /** Detail links name the image's page (its data file) and key: #page=N&image=KEY; #image=KEY alone also works. */
  function openDetail(image: PageImage): void {
    const wanted = "page=" + image.n + "&image=" + image.k;
    if (hashText() !== wanted) location.hash = "page=" + image.n + "&image=" + encodeURIComponent(image.k);
    else renderDetail();
  }

  /** The decoded URL fragment; a malformed one (e.g. a bare %) reads as empty, so it opens no detail view. */
  function hashText(): string {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch {
      return "";
    }
  }

  /** The image the fragment names: looked up in its page's data file, or without a page, in each in turn. */
  async function imageOfHash(): Promise<PageImage | undefined> {
    const match = /^(?:page=(\d+)&)?image=([\s\S]*)$/.exec(hashText());
    if (!match) return undefined;
    const pages = match[1] === undefined ? [...Array(summary.pages).keys()] : [Number(match[1])];
    for (const n of pages) {
      if (n >= summary.pages) continue;
      const data = await load(n);
      const image = data && data.images.find((candidate) => candidate.k === match[2]);
      if (image) return image;
    }
    return undefined;
  }

  async function renderDetail(): Promise<void> {
    const run = ++detailRun;
    const image = await imageOfHash();
    if (run !== detailRun) return;
    const detail = $("detail");
    if (!image) {
      detail.hidden = true;
      return;
    }
    const layout = layoutOf(image);
    const position = shown.indexOf(image);
    const step = (delta: number) => () => openDetail(shown[(position + delta + shown.length) % shown.length]);
    const facts = [
      ["status", image.s === 1 ? "explained" : "failed"],
      ["actual", image.a ? names(image, image.a).join(", ") || "none" : "unknown"],
      ["predicted", names(image, image.p).join(", ") || "–"],
      [
        "scores",
        image.sc.map(([label, score]) => labelsOf(image)[label] + " " + score.toFixed(3)).join(" · ") || "–",
      ],
      ["misclassified", image.m === null ? "unknown" : image.m === 1 ? "yes" : "no"],
      ["IG completeness error", percent(image.e)],
      ["processing time", seconds(image.t)],
      ["model", image.o || "–"],
    ];
    const panel = h(
      "div",
      { class: "panel", role: "dialog", "aria-label": image.k },
      h(
        "div",
        { class: "bar" },
        h("h2", {}, image.k),
        position >= 0 && shown.length > 1
          ? h("button", { type: "button", onclick: step(-1) }, "‹ previous")
          : null,
        position >= 0 && shown.length > 1
          ? h("button", { type: "button", onclick: step(1) }, "next ›")
          : null,
        h("button", { type: "button", id: "close", onclick: closeDetail }, "close ✕"),
      ),
      h(
        "dl",
        { class: "facts" },
        facts.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)]),
      ),
      image.r ? h("p", { class: "error" }, image.r) : null,
      layout
        ? h("div", { class: "images" }, figure(image, layout.input, "input, as the model saw it"))
        : null,
      layout ? layout.targets.map((target, t) => targetSection(image, target, image.x[t])) : null,
      layout && layout.layers.length ? h("h3", {}, "Activations") : null,
      layout ? layout.layers.map((layer, l) => layerSection(image, layer, image.c[l])) : null,
    );
    detail.replaceChildren(panel);
    detail.hidden = false;
    $("close").focus();
  }

  function targetSection(
    image: PageImage,
    target: ReportLayout["targets"][number],
    completeness: ReportImage["x"][number] | undefined,
  ): HTMLElement {
    const error = completeness
      ? "completeness error " + percent(completeness[0]) + (completeness[1] ? "" : ", not converged")
      : "";
    return h(
      "section",
      { class: "target" },
      h("h3", {}, "Target ", target.label, " ", h("span", { class: "muted" }, error)),
      h(
        "div",
        { class: "images" },
        figure(image, target.ig.overlay, "IG overlay"),
        figure(image, target.ig.mask, "IG mask |attribution|"),
        figure(image, target.ig.signed, "IG signed (blue −, red +)"),
        target.cam
          ? figure(
              image,
              target.cam.overlay,
              "Grad-CAM" + (target.cam.layer ? " on " + target.cam.layer : ""),
            )
          : null,
        target.cam ? figure(image, target.cam.heatmap, "Grad-CAM heatmap") : null,
      ),
      h(
        "div",
        { class: "strip" },
        h("h4", {}, "Interpolation path, α = 0 … 1"),
        h("img", { src: link(image, target.ig.strip), alt: "interpolation strip" }),
      ),
    );
  }

  function layerSection(
    image: PageImage,
    layer: ReportLayout["layers"][number],
    top: readonly number[] | undefined,
  ): HTMLElement {
    const about =
      layer.className +
      " " +
      layer.shape.join("×") +
      (top && top.length ? " · top channels " + top.join(", ") : "");
    return h(
      "section",
      { class: "layer" },
      h("h4", {}, layer.layer, " ", h("span", { class: "muted" }, about)),
      h("img", { src: link(image, layer.grid), alt: "activations of " + layer.layer }),
    );
  }

  function closeDetail(): void {
    history.pushState("", document.title, location.pathname + location.search);
    renderDetail();
  }

  function setUp(): void {
    const addOptions = (select: HTMLElement, values: readonly string[]) => {
      for (const value of values) select.append(h("option", { value }, value));
    };
    addOptions($("filter-label"), summary.labels.predicted);
    addOptions($("filter-actual"), summary.labels.actual);
    const bind = <Field extends keyof typeof state>(
      id: string,
      field: Field,
      read: (control: HTMLInputElement) => (typeof state)[Field],
    ) =>
      $(id).addEventListener("input", (event) => {
        state[field] = read(event.target as HTMLInputElement);
        state.page = 0;
        renderGallery();
      });
    bind("filter-label", "predicted", (control) => control.value);
    bind("filter-actual", "actual", (control) => control.value);
    bind("filter-status", "status", (control) => control.value);
    bind("filter-misclassified", "misclassified", (control) => control.checked);
    bind("filter-search", "search", (control) => control.value.trim().toLowerCase());
    bind("sort", "sort", (control) => control.value);
    for (const button of document.querySelectorAll<HTMLButtonElement>("[data-page]")) {
      button.addEventListener("click", () => {
        state.page += button.dataset.page === "next" ? 1 : -1;
        renderGallery();
        $("images").scrollIntoView();
      });
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !$("detail").hidden) closeDetail();
    });
    $("detail").addEventListener("click", (event) => {
      if (event.target === $("detail")) closeDetail();
    });
    window.addEventListener("hashchange", renderDetail);
    renderGallery();
    renderDetail();
  }
  setUp();
}
