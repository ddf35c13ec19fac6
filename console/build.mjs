// Builds the console into gateway/static/console/ (git ignores it), where the
// gateway serves it at /console/. Everything the page loads is bundled here:
// nothing comes from a CDN at run time (the gateway's CSP forbids it).
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.env.CONSOLE_OUT || join(here, "..", "gateway", "static", "console");

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "main.js")],
  bundle: true,
  minify: true,
  sourcemap: "linked",
  target: ["es2020"],
  format: "iife",
  legalComments: "linked", // ECharts' and the SSE client's licences, kept beside the bundle
  outfile: join(out, "app.js"),
  logLevel: "warning",
});
for (const file of ["index.html", "style.css"]) {
  await copyFile(join(here, "src", file), join(out, file));
}
console.log("console built into " + out);
