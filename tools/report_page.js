// report_page.js - draws kmm's memory report from the data the kmm tool put in the page
// (the element #kmm-data, one JSON document). Embedded in every report by tools/report.c, so
// the page stays one self-contained file. Each area, zone, buddy order and cache becomes one
// SVG element with a class (area, zone, buddy, cache) and a <title>: hovering shows numbers.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("kmm-data").textContent);
  const KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

  function size(bytes) {
    for (const [unit, n] of [["G", GiB], ["M", MiB], ["K", KiB]])
      if (bytes >= n) return (bytes / n).toFixed(bytes % n ? 1 : 0) + unit;
    return bytes + "B";
  }
  function hex(n) { return "0x" + n.toString(16).padStart(8, "0"); }
  function el(parent, name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  function svg(id, width, height) {
    const s = el(document.getElementById(id), "svg",
      { width: width, height: height, viewBox: `0 0 ${width} ${height}` });
    return s;
  }
  function tip(e, text) { el(e, "title", {}, text); return e; }

  const colours = { "user space": "#d8d8d8", lowmem: "#4e79a7", vmalloc: "#f28e2b",
    pkmap: "#e15759", fixmap: "#76b7b2", modules: "#59a14f" };

  // The virtual layout, to scale: 0 .. 4G on a 32-bit profile, the kernel window otherwise.
  function drawLayout() {
    const areas = data.areas, W = 1100, left = 10, barW = W - 2 * left;
    const lo = data.space_start, hi = data.space_end, span = hi - lo;
    const s = svg("layout", W, 250);
    const x = (a) => left + (a - lo) / span * barW;
    el(s, "rect", { x: left, y: 30, width: barW, height: 60, class: "hole", fill: "#f4f4f4",
      stroke: "#999" });
    el(s, "text", { x: left, y: 22, class: "label" },
      `${hex(lo)} .. ${hex(hi)} (${size(span)}), to scale`);
    const small = [];
    for (const a of areas) {
      const w = Math.max(1, x(a.end) - x(a.start));
      const r = el(s, "rect", { x: x(a.start), y: 30, width: w, height: 60, class: "area",
        "data-area": a.name, fill: colours[a.name] || "#bab0ac" });
      tip(r, `${a.name}: ${hex(a.start)} - ${hex(a.end)} (${size(a.end - a.start)})`);
      if (w > 90)
        el(s, "text", { x: x(a.start) + 4, y: 65, class: "inlabel" },
          `${a.name} ${size(a.end - a.start)}`);
      if (w < 0.05 * barW) small.push(a);
    }
    // The small areas, zoomed: each gets an equal box under the bar, joined to its place.
    if (!small.length) return;
    const boxW = Math.min(200, barW / small.length - 10);
    small.forEach((a, i) => {
      const bx = left + i * (boxW + 10);
      el(s, "line", { x1: x(a.start), y1: 90, x2: bx + boxW / 2, y2: 130, stroke: "#999" });
      const r = el(s, "rect", { x: bx, y: 130, width: boxW, height: 40, class: "area-zoom",
        "data-area": a.name, fill: colours[a.name] || "#bab0ac" });
      tip(r, `${a.name}: ${hex(a.start)} - ${hex(a.end)} (${size(a.end - a.start)})`);
      el(s, "text", { x: bx, y: 188, class: "label" }, `${a.name} ${size(a.end - a.start)}`);
      el(s, "text", { x: bx, y: 204, class: "small" }, `${hex(a.start)} -`);
      el(s, "text", { x: bx, y: 220, class: "small" }, hex(a.end));
    });
  }

  // The physical map by zone, and each zone's free blocks by order (bar height: log scale).
  function drawZones() {
    const zones = data.zones.filter((z) => z.spanned > 0);
    const total = zones.reduce((n, z) => n + z.spanned, 0) || 1;
    const W = 1100, left = 10, barW = W - 2 * left, page = data.page_size;
    const s = svg("zones", W, 330);
    let at = left;
    zones.forEach((z, i) => {
      const w = Math.max(2, z.spanned / total * barW);
      const r = el(s, "rect", { x: at, y: 20, width: w, height: 40, class: "zone",
        "data-zone": z.zone, fill: ["#9c755f", "#4e79a7", "#edc948", "#b07aa1"][i % 4] });
      tip(r, `${z.zone}: pfn ${z.start_pfn} + ${z.spanned} pages (${size(z.spanned * page)}), ` +
        `${z.free} free, watermarks min ${z.min} low ${z.low} high ${z.high}`);
      if (w > 80) el(s, "text", { x: at + 4, y: 45, class: "inlabel" }, `${z.zone} ${size(z.spanned * page)}`);
      at += w;
    });
    const buddy = data.buddyinfo, colW = barW / Math.max(1, buddy.length);
    buddy.forEach((b, i) => {
      const x0 = left + i * colW, orders = b.free_blocks.length, w = (colW - 30) / orders;
      el(s, "text", { x: x0, y: 90, class: "label" }, `${b.zone}: free blocks by order`);
      b.free_blocks.forEach((n, order) => {
        const h = n ? 20 + 30 * Math.log10(n + 1) : 0;
        const r = el(s, "rect", { x: x0 + order * w, y: 270 - h, width: w - 2, height: h,
          class: "buddy", "data-zone": b.zone, "data-order": order, fill: "#59a14f" });
        tip(r, `${b.zone} order ${order}: ${n} free blocks of ${size(page << order)}`);
        el(s, "text", { x: x0 + order * w, y: 285, class: "small" }, order);
        if (n) el(s, "text", { x: x0 + order * w, y: 265 - h, class: "small" }, n);
      });
    });
  }

  // Every slab cache: a bar of used (dark) and free (light) objects, widths by slab memory.
  function drawCaches() {
    const caches = data.slabinfo, rowH = 16, W = 1100;
    const s = svg("caches", W, 20 + rowH * caches.length);
    const bytes = (c) => c.num_slabs * c.pagesperslab * data.page_size;
    const most = Math.max(1, ...caches.map(bytes));
    caches.forEach((c, i) => {
      const y = 10 + i * rowH, w = 700 * bytes(c) / most;
      const g = el(s, "g", { class: "cache", "data-cache": c.name });
      el(g, "text", { x: 0, y: y + 11, class: "small" }, c.name);
      el(g, "rect", { x: 250, y: y, width: 700, height: rowH - 3, fill: "#f4f4f4" });
      el(g, "rect", { x: 250, y: y, width: w, height: rowH - 3, fill: "#a0cbe8" });
      el(g, "rect", { x: 250, y: y, width: c.num_objs ? w * c.active_objs / c.num_objs : 0,
        height: rowH - 3, fill: "#4e79a7" });
      el(g, "text", { x: 960, y: y + 11, class: "small" },
        `${c.active_objs}/${c.num_objs} objs, ${size(bytes(c))}`);
      tip(g, `${c.name}: ${c.active_objs} of ${c.num_objs} objects in use, object ` +
        `${c.objsize} B, ${c.objperslab} per slab of ${c.pagesperslab} pages, ` +
        `${c.num_slabs} slabs`);
    });
  }

  function fillText() {
    document.getElementById("title").textContent =
      `kmm: ${data.profile}, ${data.cpus} CPUs, ${size(data.ram_bytes)} of RAM`;
    document.getElementById("vmallocinfo").textContent =
      data.vmallocinfo.length ? data.vmallocinfo.join("\n") : "(no vmalloc areas)";
    const h = data.highmem_usage;
    document.getElementById("slots").textContent =
      `pkmap: ${h.pkmap_in_use} of ${h.pkmap_slots} slots in use, ${h.pkmap_mapped} mapped; ` +
      `fixmap: ${h.fixmap_kmap_in_use} of ${h.fixmap_kmap_slots} kmap_local slots in use, ` +
      `${h.fixmap_named_set} named slots set`;
  }

  fillText();
  drawLayout();
  drawZones();
  drawCaches();
  document.body.setAttribute("data-rendered", "yes");
})();
