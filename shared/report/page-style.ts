/** The report's stylesheet, inlined in the page. */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1d2329; --muted: #5f6b76; --line: #d9dee3; --accent: #3b6ea8; --bad: #c0392b; --good: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--ink); background: #f6f7f9; }
header, main > section { padding: 12px 20px; }
header { background: #fff; border-bottom: 1px solid var(--line); display: flex; gap: 20px; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 20px; margin: 0; }
header .meta { color: var(--muted); }
h2 { font-size: 16px; margin: 8px 0; }
.plots { display: flex; flex-wrap: wrap; gap: 16px; }
.plot { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.plot figcaption { font-weight: 600; margin-bottom: 6px; }
.plot .stats { color: var(--muted); margin: 4px 0 0; font-size: 12px; }
table.confusion { border-collapse: collapse; font-size: 12px; }
table.confusion th, table.confusion td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: right; }
table.confusion th[scope=row] { text-align: left; }
td.count.good { background: rgba(46, 125, 50, calc(var(--strength) * 0.45)); }
td.count.bad { background: rgba(192, 57, 43, calc(var(--strength) * 0.45)); }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin-bottom: 10px; }
.filters label { display: flex; gap: 6px; align-items: center; }
.filters select, .filters input[type=search] { font: inherit; padding: 2px 4px; }
.pager { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
.pager button { font: inherit; }
#gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
#gallery .note { grid-column: 1 / -1; color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px; cursor: pointer; text-align: left; font: inherit; color: inherit; }
.card:hover, .card:focus { outline: 2px solid var(--accent); }
.card.misclassified { border: 2px solid var(--bad); }
.card.failed { background: #fbeeee; }
.card img, .card .no-image { display: block; width: 100%; aspect-ratio: 1; object-fit: contain; background: #eceff1; border-radius: 4px; }
.card .no-image { display: flex; align-items: center; justify-content: center; color: var(--bad); font-weight: 600; }
.card .name { font-size: 12px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; margin-top: 4px; }
.card .labels { font-size: 12px; color: var(--muted); }
.card .labels b { color: var(--ink); font-weight: 600; }
.badge { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 8px; background: var(--bad); color: #fff; }
#detail { position: fixed; inset: 0; background: rgba(20, 24, 28, 0.55); overflow: auto; padding: 24px; }
#detail[hidden] { display: none; }
#detail .panel { background: #fff; border-radius: 8px; max-width: 1200px; margin: 0 auto; padding: 16px 20px; }
#detail .bar { display: flex; gap: 8px; align-items: center; }
#detail .bar h2 { flex: 1; margin: 0; word-break: break-all; }
#detail .facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 12px 0; }
#detail .facts dt { color: var(--muted); }
#detail .facts dd { margin: 0; }
#detail .error { color: var(--bad); white-space: pre-wrap; }
#detail .images { display: flex; flex-wrap: wrap; gap: 12px; }
#detail .images figure { margin: 0; }
#detail .images img { width: 192px; height: 192px; image-rendering: pixelated; background: #eceff1; display: block; }
#detail .images figcaption { font-size: 12px; color: var(--muted); }
#detail .strip img { max-width: 100%; height: 96px; image-rendering: pixelated; }
#detail .layer img { max-width: 100%; image-rendering: pixelated; }
#detail .target, #detail .layer { border-top: 1px solid var(--line); margin-top: 12px; padding-top: 8px; }
#detail h3 { font-size: 15px; margin: 4px 0 8px; }
#detail h4 { font-size: 13px; margin: 4px 0; }
.muted { color: var(--muted); }
`;
