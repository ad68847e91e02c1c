import { REPORT_DATA_CALLBACK } from "./report-data.js";

/** Cards per page of the gallery while a filter or a sort is on (unfiltered, a page is one shard's data file). */
export const PAGE_SIZE = 60;

/** Data files the page loads ahead while it searches them for a filter, and for a sort (which needs them all). */
const LOAD_AHEAD = { filter: 8, sort: 32 };

/**
 * The report's script, inlined in the page. It reads the summary embedded as JSON and draws the gallery, the
 * filters and the detail view from the data files, one per shard, each loaded by a `<script src>` (which works
 * from file:// too, where fetch() does not) when first needed: unfiltered, gallery page n is data file n; with a
 * filter or a sort it searches the data files in order, as far as the page shown needs (a sort needs them all).
 * Plain ES2020 and the DOM only, so the page works offline in any current browser; the browser test runs it.
 */
export const PAGE_SCRIPT = /* js */ `
"use strict";
const PAGE_SIZE = ${PAGE_SIZE};
const LOAD_AHEAD = ${JSON.stringify(LOAD_AHEAD)};
const summary = JSON.parse(document.getElementById("report-data").textContent);
const state = { predicted: "", actual: "", status: "", misclassified: false, search: "", sort: "key", page: 0 };
/** The images on the gallery page shown, in order: the detail view steps through them. */
let shown = [];
let galleryRun = 0;
let detailRun = 0;

// Data files: each calls ${REPORT_DATA_CALLBACK}(data) when its script runs.
const files = new Map();
const waiting = new Map();
const loaded = [];
window.${REPORT_DATA_CALLBACK} = (data) => {
  const resolve = waiting.get(data.shard);
  waiting.delete(data.shard);
  if (resolve) resolve(data);
};
function fileName(n) {
  return summary.dataFile.before + String(n).padStart(summary.dataFile.digits, "0") + summary.dataFile.after;
}
/** Data file n (null when it is missing), loaded once. */
function load(n) {
  if (!files.has(n)) {
    const loading = new Promise((resolve) => {
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
    }).then((data) => {
      if (data) for (const image of data.images) image.n = n;
      loaded[n] = data;
      return data;
    });
    files.set(n, loading);
  }
  return files.get(n);
}

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}
const $ = (id) => document.getElementById(id);
const labelsOf = (image) => loaded[image.n].labels;
const layoutOf = (image) => (image.l === null ? null : loaded[image.n].layouts[image.l]);
const names = (image, indices) => (indices || []).map((i) => labelsOf(image)[i]);
const percent = (value) => (value === null || value === undefined ? "–" : Number((value * 100).toPrecision(3)) + "%");
const seconds = (ms) => (ms === null ? "–" : (ms / 1000).toFixed(1) + " s");
function link(image, path) {
  return image.u ? image.u[path] || "" : image.b + path.split("/").map(encodeURIComponent).join("/");
}

const filtering = () =>
  state.predicted !== "" || state.actual !== "" || state.status !== "" || state.misclassified || state.search !== "";
function matches(image) {
  const labels = labelsOf(image);
  if (state.predicted !== "" && !image.p.some((i) => labels[i] === state.predicted)) return false;
  if (state.actual !== "" && !(image.a || []).some((i) => labels[i] === state.actual)) return false;
  if (state.status !== "" && image.s !== Number(state.status)) return false;
  if (state.misclassified && image.m !== 1) return false;
  if (state.search !== "" && !image.k.toLowerCase().includes(state.search)) return false;
  return true;
}
const SORTS = {
  key: null,
  "least-confident": (a, b) => (a.sc.length ? a.sc[0][1] : 2) - (b.sc.length ? b.sc[0][1] : 2),
  "completeness-error": (a, b) => (b.e === null ? -1 : b.e) - (a.e === null ? -1 : a.e),
  "processing-time": (a, b) => (b.t === null ? -1 : b.t) - (a.t === null ? -1 : a.t),
};
const byKey = (a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

/** Draws the gallery page that the state asks for, loading what it needs; a newer call supersedes it. */
async function renderGallery() {
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
    showCards(data || summary.pages === 0 ? null : "The data of page " + (state.page + 1) + " (" + fileName(state.page) + ") is not there yet; the report's next refresh writes it.");
    return;
  }
  const enough = sort ? Infinity : (state.page + 1) * PAGE_SIZE + 1;
  const found = [];
  let searched = 0;
  while (searched < summary.pages && found.length < enough) {
    const ahead = Math.min(summary.pages, searched + 1 + (sort ? LOAD_AHEAD.sort : LOAD_AHEAD.filter));
    for (let n = searched + 1; n < ahead; n++) load(n);
    const data = await load(searched);
    if (run !== galleryRun) return;
    searched++;
    if (data) for (const image of data.images) if (matches(image)) found.push(image);
    if (searched % 16 === 0) $("count").textContent = found.length + "+ of " + summary.images + " images (searched " + searched + " of " + summary.pages + " pages)";
  }
  const complete = searched === summary.pages;
  if (sort) found.sort((a, b) => sort(a, b) || byKey(a, b));
  const pages = Math.max(1, Math.ceil(found.length / PAGE_SIZE));
  state.page = Math.min(state.page, pages - 1);
  $("count").textContent = complete
    ? found.length + " of " + summary.images + " images"
    : found.length + "+ of " + summary.images + " images (searched " + searched + " of " + summary.pages + " pages)";
  showPager(state.page, pages, complete);
  shown = found.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
  showCards(null);
}

function showPager(page, pages, complete) {
  for (const id of ["page-top", "page-bottom"]) $(id).textContent = "page " + (page + 1) + " of " + (complete ? pages : "at least " + pages);
  for (const button of document.querySelectorAll("[data-page=previous]")) button.disabled = page === 0;
  for (const button of document.querySelectorAll("[data-page=next]")) button.disabled = page >= pages - 1;
}

function showCards(note) {
  $("gallery").replaceChildren(...(note ? [h("p", { class: "note" }, note)] : shown.map(card)));
}

function card(image) {
  const layout = layoutOf(image);
  const classes = ["card", image.m === 1 ? "misclassified" : "", image.s === 0 ? "failed" : ""].join(" ").trim();
  const top = image.sc[0];
  return h(
    "button",
    { class: classes, type: "button", "data-key": image.k, onclick: () => openDetail(image) },
    layout
      ? h("img", { src: link(image, layout.thumbnail), alt: image.k, loading: "lazy", decoding: "async" })
      : h("div", { class: "no-image" }, "failed"),
    h("div", { class: "name", title: image.k }, image.k),
    h("div", { class: "labels" }, "actual ", h("b", {}, image.a ? names(image, image.a).join(", ") || "none" : "unknown")),
    image.s === 1
      ? h("div", { class: "labels" }, "predicted ", h("b", {}, names(image, image.p).join(", ")), top ? " · top " + labelsOf(image)[top[0]] + " " + top[1].toFixed(2) : "")
      : h("div", { class: "labels" }, h("span", { class: "badge" }, "failed")),
    image.m === 1 ? h("span", { class: "badge" }, "misclassified") : null,
  );
}

function figure(image, path, caption) {
  return h("figure", {}, h("img", { src: link(image, path), alt: caption }), h("figcaption", {}, caption));
}

/** Detail links name the image's page (its data file) and key: #page=N&image=KEY; #image=KEY alone also works. */
function openDetail(image) {
  const wanted = "page=" + image.n + "&image=" + image.k;
  if (hashText() !== wanted) location.hash = "page=" + image.n + "&image=" + encodeURIComponent(image.k);
  else renderDetail();
}

/** The decoded URL fragment; a malformed one (e.g. a bare %) reads as empty, so it opens no detail view. */
function hashText() {
  try {
    return decodeURIComponent(location.hash.slice(1));
  } catch {
    return "";
  }
}

/** The image the fragment names: looked up in its page's data file, or without a page, in each in turn. */
async function imageOfHash() {
  const match = /^(?:page=(\\d+)&)?image=([\\s\\S]*)$/.exec(hashText());
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

async function renderDetail() {
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
  const step = (delta) => () => openDetail(shown[(position + delta + shown.length) % shown.length]);
  const facts = [
    ["status", image.s === 1 ? "explained" : "failed"],
    ["actual", image.a ? names(image, image.a).join(", ") || "none" : "unknown"],
    ["predicted", names(image, image.p).join(", ") || "–"],
    ["scores", image.sc.map(([label, score]) => labelsOf(image)[label] + " " + score.toFixed(3)).join(" · ") || "–"],
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
      position >= 0 && shown.length > 1 ? h("button", { type: "button", onclick: step(-1) }, "‹ previous") : null,
      position >= 0 && shown.length > 1 ? h("button", { type: "button", onclick: step(1) }, "next ›") : null,
      h("button", { type: "button", id: "close", onclick: closeDetail }, "close ✕"),
    ),
    h("dl", { class: "facts" }, facts.map(([name, value]) => [h("dt", {}, name), h("dd", {}, value)])),
    image.r ? h("p", { class: "error" }, image.r) : null,
    layout ? h("div", { class: "images" }, figure(image, layout.input, "input, as the model saw it")) : null,
    layout ? layout.targets.map((target, t) => targetSection(image, target, image.x[t])) : null,
    layout && layout.layers.length ? h("h3", {}, "Activations") : null,
    layout ? layout.layers.map((layer, l) => layerSection(image, layer, image.c[l])) : null,
  );
  detail.replaceChildren(panel);
  detail.hidden = false;
  $("close").focus();
}

function targetSection(image, target, completeness) {
  const error = completeness ? "completeness error " + percent(completeness[0]) + (completeness[1] ? "" : ", not converged") : "";
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
      target.cam ? figure(image, target.cam.overlay, "Grad-CAM" + (target.cam.layer ? " on " + target.cam.layer : "")) : null,
      target.cam ? figure(image, target.cam.heatmap, "Grad-CAM heatmap") : null,
    ),
    h("div", { class: "strip" }, h("h4", {}, "Interpolation path, α = 0 … 1"), h("img", { src: link(image, target.ig.strip), alt: "interpolation strip" })),
  );
}

function layerSection(image, layer, top) {
  return h(
    "section",
    { class: "layer" },
    h("h4", {}, layer.layer, " ", h("span", { class: "muted" }, layer.className + " " + layer.shape.join("×") + (top && top.length ? " · top channels " + top.join(", ") : ""))),
    h("img", { src: link(image, layer.grid), alt: "activations of " + layer.layer }),
  );
}

function closeDetail() {
  history.pushState("", document.title, location.pathname + location.search);
  renderDetail();
}

function setUp() {
  const options = (select, values) => {
    for (const value of values) select.append(h("option", { value }, value));
  };
  options($("filter-label"), summary.labels.predicted);
  options($("filter-actual"), summary.labels.actual);
  const bind = (id, field, read) =>
    $(id).addEventListener("input", (event) => {
      state[field] = read(event.target);
      state.page = 0;
      renderGallery();
    });
  bind("filter-label", "predicted", (target) => target.value);
  bind("filter-actual", "actual", (target) => target.value);
  bind("filter-status", "status", (target) => target.value);
  bind("filter-misclassified", "misclassified", (target) => target.checked);
  bind("filter-search", "search", (target) => target.value.trim().toLowerCase());
  bind("sort", "sort", (target) => target.value);
  for (const button of document.querySelectorAll("[data-page]")) {
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
`;
