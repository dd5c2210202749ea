// Runs apl-suggester (Amazon's APL authoring checks) over RenderDocument directives.
// stdin: JSON, a list of {"name": ..., "document": {...}, "datasources": {...}}.
// stdout: JSON, {name: [{"path", "message", "level"}, ...]} with an entry for every directive.
"use strict";
const { StaticAplTemplateValidator } = require("apl-suggester");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const directives = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const validator = new StaticAplTemplateValidator();
  const report = {};
  for (const { name, document, datasources } of directives) {
    const found = (await validator.validate(document)).concat(
      await validator.validateDataSources(datasources || {})
    );
    report[name] = found.map((info) => ({
      path: info.path,
      message: info.errorMessage,
      level: info.level || "ERROR",
    }));
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
