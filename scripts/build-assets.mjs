// Builds the static assets Frontdoor serves itself (no CDN): compiles the SCSS with Dart Sass
// and copies the pinned GOV.UK, MOJ and axe-core scripts into src/frontdoor/web/assets/.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/frontdoor/web/assets");
const vendor = join(out, "vendor");
const modules = join(root, "node_modules");

rmSync(vendor, { recursive: true, force: true });
mkdirSync(join(out, "frontdoor"), { recursive: true });

const css = sass.compile(join(root, "src/frontdoor/web/scss/frontdoor.scss"), {
  loadPaths: [root, modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
  logger: sass.Logger.silent,
});
writeFileSync(join(out, "frontdoor/frontdoor.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["govuk-frontend/dist/govuk/assets/images/favicon.ico", "govuk/assets/images/favicon.ico"],
  ["@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj/moj-frontend.min.js"],
  ["@ministryofjustice/frontend/moj/assets", "moj/assets"],
  ["axe-core/axe.min.js", "axe/axe.min.js"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(join(modules, from), join(vendor, to), { recursive: true });
}
console.log(`built ${out}`);
