/** Cards per page of the gallery. */
export const PAGE_SIZE = 60;

/**
 * The report's script, inlined in the page: it reads the data embedded as JSON and draws the gallery (a page of
 * {@link PAGE_SIZE} cards at a time, thumbnails loaded lazily), the filters and the detail view. Plain ES2020
 * and the DOM only, so the page works offline in any current browser; the browser test runs it.
 */
export const PAGE_SCRIPT = /* js */ `
"use strict";
const PAGE_SIZE = ${PAGE_SIZE};
const data = JSON.parse(document.getElementById("report-data").textContent);
const labels = data.labels;
const byKey = new Map(data.images.map((image, i) => [image.k, i]));
const state = { predicted: "", actual: "", status: "", misclassified: false, search: "", sort: "key", page: 0 };
let shown = [];

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
const names = (indices) => (indices || []).map((i) => labels[i]);
const percent = (value) => (value === null || value === undefined ? "–" : Number((value * 100).toPrecision(3)) + "%");
const seconds = (ms) => (ms === null ? "–" : (ms / 1000).toFixed(1) + " s");
function link(image, path) {
  return image.u ? image.u[path] || "" : image.b + path.split("/").map(encodeURIComponent).join("/");
}

function matches(image) {
  if (state.predicted !== "" && !image.p.includes(Number(state.predicted))) return false;
  if (state.actual !== "" && !(image.a || []).includes(Number(state.actual))) return false;
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

function applyFilters() {
  shown = [];
  for (let i = 0; i < data.images.length; i++) if (matches(data.images[i])) shown.push(i);
  const sort = SORTS[state.sort];
  if (sort) shown.sort((x, y) => sort(data.images[x], data.images[y]) || x - y);
  state.page = Math.min(state.page, Math.max(0, Math.ceil(shown.length / PAGE_SIZE) - 1));
  renderGallery();
}

function card(index) {
  const image = data.images[index];
  const layout = image.l === null ? null : data.layouts[image.l];
  const classes = ["card", image.m === 1 ? "misclassified" : "", image.s === 0 ? "failed" : ""].join(" ").trim();
  const top = image.sc[0];
  return h(
    "button",
    { class: classes, type: "button", "data-key": image.k, onclick: () => openDetail(index) },
    layout
      ? h("img", { src: link(image, layout.thumbnail), alt: image.k, loading: "lazy", decoding: "async" })
      : h("div", { class: "no-image" }, "failed"),
    h("div", { class: "name", title: image.k }, image.k),
    h("div", { class: "labels" }, "actual ", h("b", {}, image.a ? names(image.a).join(", ") || "none" : "unknown")),
    image.s === 1
      ? h("div", { class: "labels" }, "predicted ", h("b", {}, names(image.p).join(", ")), top ? " · top " + labels[top[0]] + " " + top[1].toFixed(2) : "")
      : h("div", { class: "labels" }, h("span", { class: "badge" }, "failed")),
    image.m === 1 ? h("span", { class: "badge" }, "misclassified") : null,
  );
}

function renderGallery() {
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const start = state.page * PAGE_SIZE;
  $("count").textContent = shown.length + " of " + data.images.length + " images";
  for (const id of ["page-top", "page-bottom"]) $(id).textContent = "page " + (state.page + 1) + " of " + pages;
  for (const button of document.querySelectorAll("[data-page=previous]")) button.disabled = state.page === 0;
  for (const button of document.querySelectorAll("[data-page=next]")) button.disabled = state.page >= pages - 1;
  $("gallery").replaceChildren(...shown.slice(start, start + PAGE_SIZE).map(card));
}

function figure(image, path, caption) {
  return h("figure", {}, h("img", { src: link(image, path), alt: caption }), h("figcaption", {}, caption));
}

function openDetail(index) {
  const key = data.images[index].k;
  if (hashText() !== "image=" + key) location.hash = "image=" + encodeURIComponent(key);
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

function renderDetail() {
  const hash = hashText();
  const index = hash.startsWith("image=") ? byKey.get(hash.slice(6)) : undefined;
  const detail = $("detail");
  if (index === undefined) {
    detail.hidden = true;
    return;
  }
  const image = data.images[index];
  const layout = image.l === null ? null : data.layouts[image.l];
  const position = shown.indexOf(index);
  const step = (delta) => () => openDetail(shown[(position + delta + shown.length) % shown.length]);
  const facts = [
    ["status", image.s === 1 ? "explained" : "failed"],
    ["actual", image.a ? names(image.a).join(", ") || "none" : "unknown"],
    ["predicted", names(image.p).join(", ") || "–"],
    ["scores", image.sc.map(([label, score]) => labels[label] + " " + score.toFixed(3)).join(" · ") || "–"],
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
    for (const [value, text] of values) select.append(h("option", { value }, text));
  };
  const used = (field) => [...new Set(data.images.flatMap((image) => image[field] || []))].sort((a, b) => labels[a].localeCompare(labels[b]));
  options($("filter-label"), used("p").map((i) => [i, labels[i]]));
  options($("filter-actual"), used("a").map((i) => [i, labels[i]]));
  const bind = (id, field, read) =>
    $(id).addEventListener("input", (event) => {
      state[field] = read(event.target);
      state.page = 0;
      applyFilters();
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
  applyFilters();
  renderDetail();
}
setUp();
`;
